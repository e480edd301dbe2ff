"""GitHub and npm tokens: a prefix, 30 random base62 characters and a base62 CRC-32 of them."""

from __future__ import annotations

import random
import zlib

from pat_scan.validators._codec import B62, B62_SET, decode_base, encode_base, only, rand

# --------------------------------------------------------------------------------------------
# GitHub and npm: prefix + 30 base62 + 6 base62 CRC-32 of the 30 random characters
# (https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/)
# --------------------------------------------------------------------------------------------

_GITHUB_PREFIXES = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")


def _crc32_b62(random_part: str) -> str:
    return encode_base(zlib.crc32(random_part.encode("ascii")), B62, 6)


def _check_crc32_b62(secret: str, prefixes: tuple[str, ...]) -> bool:
    if len(secret) != 40 or not secret.startswith(prefixes):
        return False
    body, checksum = secret[4:34], secret[34:]
    if not only(body, B62_SET) or not only(checksum, B62_SET):
        return False
    # Compare numerically: a checksum whose base62 value is over 32 bits can never match.
    return decode_base(checksum, B62) == zlib.crc32(body.encode("ascii"))


def _gen_crc32_b62(rng: random.Random, prefix: str) -> str:
    body = rand(rng, B62, 30)
    return prefix + body + _crc32_b62(body)


def validate_github(secret: str) -> bool:
    return _check_crc32_b62(secret, _GITHUB_PREFIXES)


def generate_github(rng: random.Random, arg: str) -> str:
    prefix = arg or "ghp_"
    if prefix not in _GITHUB_PREFIXES:
        raise ValueError(f"github_crc32: prefix must be one of {_GITHUB_PREFIXES}, got {arg!r}")
    return _gen_crc32_b62(rng, prefix)


def validate_npm(secret: str) -> bool:
    return _check_crc32_b62(secret, ("npm_",))


def generate_npm(rng: random.Random, arg: str) -> str:
    if arg not in ("", "npm_"):
        raise ValueError(f"npm_crc32: the only prefix is 'npm_', got {arg!r}")
    return _gen_crc32_b62(rng, "npm_")
