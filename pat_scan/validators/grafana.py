"""Grafana service account tokens: 32 alphanumerics and a CRC-32 of them in hex."""

from __future__ import annotations

import random
import struct
import zlib

from pat_scan.validators._codec import ALNUM_SET, B62, HEX_LOWER, only, rand

# --------------------------------------------------------------------------------------------
# Grafana service account tokens (pkg/components/satokengen): "glsa_" + 32 alnum + "_" +
# lower-case hex of CRC-32("glsa_" + secret) written as 4 little-endian bytes.
# --------------------------------------------------------------------------------------------

HEX_LOWER_SET = frozenset(HEX_LOWER)


def _grafana_checksum(key: str) -> str:
    return struct.pack("<I", zlib.crc32(key.encode("ascii"))).hex()


def validate_grafana(secret: str) -> bool:
    if len(secret) != 46 or not secret.startswith("glsa_") or secret[37] != "_":
        return False
    key, checksum = secret[:37], secret[38:]
    if not only(key[5:], ALNUM_SET) or not only(checksum, HEX_LOWER_SET):
        return False
    return _grafana_checksum(key) == checksum


def generate_grafana(rng: random.Random, arg: str) -> str:
    if arg not in ("", "glsa_"):
        raise ValueError(f"grafana_glsa: unexpected argument {arg!r}")
    key = "glsa_" + rand(rng, B62, 32)
    return f"{key}_{_grafana_checksum(key)}"
