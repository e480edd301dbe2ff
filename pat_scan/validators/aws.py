"""AWS access key ids: a type prefix and 16 base32 characters that encode an account."""

from __future__ import annotations

import base64
import random

from pat_scan.validators._codec import B32_SET, only

# --------------------------------------------------------------------------------------------
# AWS access key ids: 4-letter type prefix + 16 base32 characters. For keys issued since about
# 2019 the base32 payload carries the account id: bits 46..7 of the first 48 bits. Older keys
# (AKIAI..., AKIAJ...) carry none and pass or fail this check by chance.
# --------------------------------------------------------------------------------------------

_AWS_PREFIXES = ("AKIA", "ASIA", "ABIA", "ACCA")
_AWS_ACCOUNT_MASK = 0x7FFFFFFFFF80


def _aws_account_id(key_id: str) -> int | None:
    tail = key_id[4:]
    if len(tail) != 16 or not only(tail, B32_SET):
        return None
    head = int.from_bytes(base64.b32decode(tail)[:6], "big")
    return (head & _AWS_ACCOUNT_MASK) >> 7


def validate_aws(secret: str) -> bool:
    if len(secret) != 20 or not secret.startswith(_AWS_PREFIXES):
        return False
    account = _aws_account_id(secret)
    return account is not None and 0 < account < 10**12


def generate_aws(rng: random.Random, arg: str) -> str:
    prefix = arg or "AKIA"
    if prefix not in _AWS_PREFIXES:
        raise ValueError(f"aws_key_id: prefix must be one of {_AWS_PREFIXES}, got {arg!r}")
    account = rng.randrange(10**11, 10**12)
    head = (1 << 47) | (account << 7) | rng.getrandbits(7)
    raw = head.to_bytes(6, "big") + rng.randbytes(4)
    return prefix + base64.b32encode(raw).decode("ascii")
