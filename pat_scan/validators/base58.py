"""Base58Check keys (Bitcoin): WIF private keys and BIP-32 extended private keys."""

from __future__ import annotations

import hashlib
import random
import struct

from pat_scan.validators._codec import B58, B58_SET, decode_base, encode_base, only

# --------------------------------------------------------------------------------------------
# Base58Check (Bitcoin): WIF private keys and BIP-32 extended private keys
# --------------------------------------------------------------------------------------------

_SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def _sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def _b58check_decode(text: str) -> bytes | None:
    if not only(text, B58_SET) or len(text) > 200:
        return None
    value = decode_base(text, B58)
    assert value is not None
    zeros = len(text) - len(text.lstrip("1"))  # each leading '1' is a zero byte
    raw = b"\x00" * zeros + (value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b"")
    if len(raw) < 5 or _sha256d(raw[:-4])[:4] != raw[-4:]:
        return None
    return raw[:-4]


def _b58check_encode(payload: bytes) -> str:
    raw = payload + _sha256d(payload)[:4]
    zeros = len(raw) - len(raw.lstrip(b"\x00"))
    value = int.from_bytes(raw, "big")
    return "1" * zeros + (encode_base(value, B58, 0) if value else "")


def _secp256k1_key_ok(key: bytes) -> bool:
    return 0 < int.from_bytes(key, "big") < _SECP256K1_N


def validate_wif(secret: str) -> bool:
    payload = _b58check_decode(secret)
    if payload is None or payload[0] not in (0x80, 0xEF):  # mainnet, testnet
        return False
    key = payload[1:]
    if len(key) == 33 and key[32] == 0x01:  # compressed-public-key flag
        key = key[:32]
    return len(key) == 32 and _secp256k1_key_ok(key)


def _random_secp256k1_key(rng: random.Random) -> bytes:
    return rng.randrange(1, _SECP256K1_N).to_bytes(32, "big")


def generate_wif(rng: random.Random, arg: str) -> str:
    if arg not in ("", "compressed", "uncompressed"):
        raise ValueError(f"bitcoin_wif: argument must be compressed or uncompressed, got {arg!r}")
    suffix = b"" if arg == "uncompressed" else b"\x01"
    return _b58check_encode(b"\x80" + _random_secp256k1_key(rng) + suffix)


# Version bytes of extended private keys (BIP-32, and SLIP-132 for yprv/zprv).
_XPRV_VERSIONS = {
    "xprv": 0x0488ADE4,
    "tprv": 0x04358394,
    "yprv": 0x049D7878,
    "zprv": 0x04B2430C,
}


def validate_xprv(secret: str) -> bool:
    if secret[:4] not in _XPRV_VERSIONS:
        return False
    payload = _b58check_decode(secret)
    if payload is None or len(payload) != 78:
        return False
    version, depth, parent, child = struct.unpack(">IB4sI", payload[:13])
    if version != _XPRV_VERSIONS[secret[:4]]:
        return False
    if depth == 0 and (parent != b"\x00" * 4 or child != 0):
        return False  # a master key has no parent
    key = payload[45:]
    return key[0] == 0 and _secp256k1_key_ok(key[1:])


def generate_xprv(rng: random.Random, arg: str) -> str:
    kind = arg or "xprv"
    if kind not in _XPRV_VERSIONS:
        raise ValueError(f"bip32_xprv: argument must be one of {sorted(_XPRV_VERSIONS)}")
    depth = rng.randrange(0, 6)
    parent = rng.randbytes(4) if depth else b"\x00" * 4
    child = rng.getrandbits(32) if depth else 0
    payload = (
        struct.pack(">IB4sI", _XPRV_VERSIONS[kind], depth, parent, child)
        + rng.randbytes(32)
        + b"\x00"
        + _random_secp256k1_key(rng)
    )
    return _b58check_encode(payload)
