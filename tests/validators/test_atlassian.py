"""pat_scan.validators.atlassian: its format, by hand-made and generated tokens.

No complete credential appears as a literal here: tokens are generated at run time or assembled
from obviously fake parts."""

from __future__ import annotations

import zlib

from pat_scan.validators import validate


def test_atlassian_crc_covers_everything_before_it() -> None:
    signed = "ATATT3xFfGF0" + "A" * 100 + "="
    token = signed + f"{zlib.crc32(signed.encode()):08X}"
    assert validate("atlassian_crc32", token)
    assert not validate("atlassian_crc32", token[:-8] + token[-8:].lower())
