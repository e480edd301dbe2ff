"""OpenPGP armoured private keys: a secret-key packet and the armour's CRC-24."""

from __future__ import annotations

import base64
import random

from pat_scan.validators._blocks import armoured, wrap64
from pat_scan.validators._codec import B64_SET, b64_decode

# --------------------------------------------------------------------------------------------
# OpenPGP armoured private keys (RFC 4880 section 6): "=" + base64 CRC-24 line
# --------------------------------------------------------------------------------------------

_CRC24_INIT = 0xB704CE
_CRC24_POLY = 0x1864CFB


def _crc24_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= _CRC24_POLY
        table.append(crc & 0xFFFFFF)
    return tuple(table)


_CRC24_TABLE = _crc24_table()


def _crc24(data: bytes) -> int:
    crc = _CRC24_INIT
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFF) ^ _CRC24_TABLE[(crc >> 16) ^ byte]
    return crc


# Secret-Key packet (tag 5): old format 0b100101xx, new format 0xC5.
_PGP_SECRET_KEY_TAGS = frozenset({0x94, 0x95, 0x96, 0x97, 0xC5})
_PGP_LABEL = "PGP PRIVATE KEY BLOCK"


def validate_pgp(secret: str) -> bool:
    parts = armoured(secret, lambda label: label == _PGP_LABEL)
    if parts is None:
        return False
    body = parts[2]
    checksum = None
    if body and body[-1].startswith("=") and len(body[-1]) == 5:
        checksum = b64_decode(body[-1][1:], B64_SET)
        body = body[:-1]
        if checksum is None:
            return False
    data = b64_decode("".join(body), B64_SET)
    if not data:
        return False
    if checksum is not None:
        return int.from_bytes(checksum, "big") == _crc24(data)
    return data[0] in _PGP_SECRET_KEY_TAGS


def generate_pgp(rng: random.Random, arg: str) -> str:
    if arg not in ("", "nocrc"):
        raise ValueError(f"pgp_crc24: argument must be '' or 'nocrc', got {arg!r}")
    length = rng.randrange(80, 190)  # fits the one-octet new-format length
    # New-format Secret-Key packet: version 4, creation time, algorithm 22 (EdDSA), key material.
    packet = bytes([0xC5, length, 4]) + rng.randbytes(4) + bytes([22]) + rng.randbytes(length - 6)
    lines = [f"-----BEGIN {_PGP_LABEL}-----", "", *wrap64(packet)]
    if arg != "nocrc":
        lines.append("=" + base64.b64encode(_crc24(packet).to_bytes(3, "big")).decode("ascii"))
    lines.append(f"-----END {_PGP_LABEL}-----")
    return "\n".join(lines)
