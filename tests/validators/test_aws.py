"""pat_scan.validators.aws: its format, by hand-made and generated tokens.

No complete credential appears as a literal here: tokens are generated at run time or assembled
from obviously fake parts."""

from __future__ import annotations

import base64

from pat_scan.validators import aws, validate


def aws_key(prefix: str, account: int, low_bits: int = 0x55) -> str:
    head = (1 << 47) | (account << 7) | low_bits
    return prefix + base64.b32encode(head.to_bytes(6, "big") + b"\x12\x34\x56\x78").decode()


def test_aws_account_id_decoding() -> None:
    key = aws_key("AKIA", 123456789012)
    assert aws._aws_account_id(key) == 123456789012
    assert validate("aws_key_id", key)
    assert validate("aws_key_id", aws_key("ASIA", 1))


def test_aws_rejects_impossible_accounts_and_prefixes() -> None:
    assert not validate("aws_key_id", aws_key("AKIA", 10**12))  # 13 digits
    assert not validate("aws_key_id", aws_key("AKIA", 0))
    assert not validate("aws_key_id", aws_key("AIDA", 123456789012))  # a user id, not a key
    assert not validate("aws_key_id", aws_key("AKIA", 123456789012).lower())
