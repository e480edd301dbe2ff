"""pat_scan.validators.telegram: its format, by hand-made and generated tokens.

No complete credential appears as a literal here: tokens are generated at run time or assembled
from obviously fake parts."""

from __future__ import annotations

from pat_scan.validators import validate


def test_telegram_shape() -> None:
    assert validate("telegram_bot", "123456789:" + "A" * 35)
    assert not validate("telegram_bot", "123456789:" + "A" * 34)
    assert not validate("telegram_bot", "012345678:" + "A" * 35)
    assert not validate("telegram_bot", "1234567:" + "A" * 35)
