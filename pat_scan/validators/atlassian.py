"""Atlassian API tokens: a base64url body and a CRC-32 of it in upper-case hex."""

from __future__ import annotations

import random
import zlib

from pat_scan.validators._codec import B64URL, B64URL_SET, HEX_UPPER, only, rand

# --------------------------------------------------------------------------------------------
# Atlassian API tokens: "ATATT" + base64url body + "=" + 8 upper-case hex digits, the CRC-32
# (big-endian) of everything before those 8 digits, "=" included.
# --------------------------------------------------------------------------------------------

_ATLASSIAN_HEX = frozenset(HEX_UPPER)


def validate_atlassian(secret: str) -> bool:
    if not secret.startswith("ATATT") or len(secret) < 40:
        return False
    signed, crc = secret[:-8], secret[-8:]
    if signed[-1] != "=" or not only(signed[5:-1], B64URL_SET):
        return False
    # Upper-case only, so that swapping a hex digit's case is a change that fails.
    if not only(crc, _ATLASSIAN_HEX):
        return False
    return int(crc, 16) == zlib.crc32(signed.encode("ascii"))


def generate_atlassian(rng: random.Random, arg: str) -> str:
    if arg not in ("", "ATATT3xFfGF0"):
        raise ValueError(f"atlassian_crc32: unexpected argument {arg!r}")
    # Observed tokens are 192 characters: 12-char prefix, 171-char body, "=", 8 hex.
    signed = "ATATT3xFfGF0" + rand(rng, B64URL, 171) + "="
    return f"{signed}{zlib.crc32(signed.encode('ascii')):08X}"
