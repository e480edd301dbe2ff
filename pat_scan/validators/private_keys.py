"""PEM and OpenSSH private keys whose structure parses."""

from __future__ import annotations

import random
import struct
from collections.abc import Callable

from pat_scan.validators._blocks import armoured, wrap64
from pat_scan.validators._codec import B64_SET, b64_decode

# --------------------------------------------------------------------------------------------
# PEM private keys: PKCS#1 / SEC1 / DSA / PKCS#8 / encrypted PKCS#8 (DER) and OpenSSH
# --------------------------------------------------------------------------------------------

_PEM_LABELS = {
    "PRIVATE KEY": "",
    "RSA PRIVATE KEY": "RSA",
    "EC PRIVATE KEY": "EC",
    "DSA PRIVATE KEY": "DSA",
    "ENCRYPTED PRIVATE KEY": "ENCRYPTED",
    "OPENSSH PRIVATE KEY": "OPENSSH",
}
_OPENSSH_MAGIC = b"openssh-key-v1\x00"


def _der_sequence_ok(der: bytes) -> bool:
    """The DER is one SEQUENCE whose declared length covers exactly the rest of the data."""
    if len(der) < 2 or der[0] != 0x30:
        return False
    first = der[1]
    if first < 0x80:
        size, header = first, 2
    else:
        count = first & 0x7F
        if not 1 <= count <= 4 or len(der) < 2 + count:
            return False
        size, header = int.from_bytes(der[2 : 2 + count], "big"), 2 + count
    return size > 0 and header + size == len(der)


def _ssh_read_string(data: bytes, pos: int) -> tuple[bytes, int]:
    (size,) = struct.unpack_from(">I", data, pos)
    end = pos + 4 + size
    if end > len(data):
        raise ValueError("truncated ssh string")
    return data[pos + 4 : end], end


def _openssh_ok(data: bytes) -> bool:
    """PROTOCOL.key: magic, cipher, kdf, kdf options, key count, public keys, private blob."""
    if not data.startswith(_OPENSSH_MAGIC):
        return False
    try:
        cipher, pos = _ssh_read_string(data, len(_OPENSSH_MAGIC))
        _kdf, pos = _ssh_read_string(data, pos)
        _kdf_options, pos = _ssh_read_string(data, pos)
        (count,) = struct.unpack_from(">I", data, pos)
        pos += 4
        if not 1 <= count <= 16:
            return False
        for _ in range(count):
            _public, pos = _ssh_read_string(data, pos)
        private, pos = _ssh_read_string(data, pos)
    except (ValueError, struct.error):
        return False
    if pos != len(data) or not private or len(private) % 8:
        return False
    # Unencrypted keys repeat a random 32-bit check value, so a mangled blob shows.
    return cipher != b"none" or private[:4] == private[4:8]


def validate_private_key(secret: str) -> bool:
    parts = armoured(secret, lambda label: label in _PEM_LABELS)
    if parts is None:
        return False
    label, headers, body = parts
    data = b64_decode("".join(body), B64_SET)
    if not data:
        return False
    if label == "OPENSSH PRIVATE KEY":
        return _openssh_ok(data)
    if any(h.replace(" ", "").startswith("Proc-Type:4,ENCRYPTED") for h in headers):
        # Legacy OpenSSL encryption: the body is block-cipher output, not DER.
        return len(data) % 8 == 0
    return _der_sequence_ok(data)


def _der(tag: int, body: bytes) -> bytes:
    size = len(body)
    if size < 0x80:
        return bytes([tag, size]) + body
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + body


def _der_int(value: int) -> bytes:
    return _der(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _der_seq(*items: bytes) -> bytes:
    return _der(0x30, b"".join(items))


def _rand_int(rng: random.Random, bits: int) -> int:
    return rng.getrandbits(bits) | (1 << (bits - 1)) | 1  # full width, odd


_OID_RSA = bytes.fromhex("06092a864886f70d010101")
_OID_P256 = bytes.fromhex("06082a8648ce3d030107")
_OID_PBES2 = bytes.fromhex("06092a864886f70d01050d")
_OID_PBKDF2 = bytes.fromhex("06092a864886f70d01050c")
_OID_AES256_CBC = bytes.fromhex("060960864801650304012a")


def _rsa_der(rng: random.Random) -> bytes:
    sizes = (1024, 0, 1024, 512, 512, 512, 512, 512)  # n, e, d, p, q, dp, dq, qinv
    ints = [_rand_int(rng, bits) if bits else 65537 for bits in sizes]
    return _der_seq(_der_int(0), *(_der_int(i) for i in ints))


def _ec_der(rng: random.Random) -> bytes:
    return _der_seq(
        _der_int(1),
        _der(0x04, rng.randbytes(32)),
        _der(0xA0, _OID_P256),
        _der(0xA1, _der(0x03, b"\x00\x04" + rng.randbytes(64))),
    )


def _dsa_der(rng: random.Random) -> bytes:
    sizes = (1024, 160, 1024, 1024, 160)  # p, q, g, y, x
    return _der_seq(_der_int(0), *(_der_int(_rand_int(rng, bits)) for bits in sizes))


def _pkcs8_der(rng: random.Random) -> bytes:
    algorithm = _der_seq(_OID_RSA, b"\x05\x00")
    return _der_seq(_der_int(0), algorithm, _der(0x04, _rsa_der(rng)))


def _encrypted_pkcs8_der(rng: random.Random) -> bytes:
    kdf = _der_seq(_OID_PBKDF2, _der_seq(_der(0x04, rng.randbytes(8)), _der_int(2048)))
    cipher = _der_seq(_OID_AES256_CBC, _der(0x04, rng.randbytes(16)))
    algorithm = _der_seq(_OID_PBES2, _der_seq(kdf, cipher))
    return _der_seq(algorithm, _der(0x04, rng.randbytes(16 * rng.randrange(40, 80))))


def _ssh_string(value: bytes) -> bytes:
    return struct.pack(">I", len(value)) + value


def _openssh_blob(rng: random.Random) -> bytes:
    public = rng.randbytes(32)
    check = rng.randbytes(4)
    private = (
        check
        + check
        + _ssh_string(b"ssh-ed25519")
        + _ssh_string(public)
        + _ssh_string(rng.randbytes(32) + public)
        + _ssh_string(b"")
    )
    private += bytes(range(1, 1 + (-len(private) % 8)))  # padding 1, 2, 3, ...
    return (
        _OPENSSH_MAGIC
        + _ssh_string(b"none")
        + _ssh_string(b"none")
        + _ssh_string(b"")
        + struct.pack(">I", 1)
        + _ssh_string(_ssh_string(b"ssh-ed25519") + _ssh_string(public))
        + _ssh_string(private)
    )


_KEY_BUILDERS: dict[str, Callable[[random.Random], bytes]] = {
    "": _pkcs8_der,
    "RSA": _rsa_der,
    "EC": _ec_der,
    "DSA": _dsa_der,
    "ENCRYPTED": _encrypted_pkcs8_der,
    "OPENSSH": _openssh_blob,
}


def generate_private_key(rng: random.Random, arg: str) -> str:
    kind = arg.upper()
    if kind not in _KEY_BUILDERS:
        raise ValueError(f"private_key: argument must be one of {sorted(_KEY_BUILDERS)}")
    label = next(name for name, short in _PEM_LABELS.items() if short == kind)
    lines = [f"-----BEGIN {label}-----", *wrap64(_KEY_BUILDERS[kind](rng))]
    return "\n".join([*lines, f"-----END {label}-----"])
