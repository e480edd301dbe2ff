"""pat_scan.validators.slack: its format, by hand-made and generated tokens.

No complete credential appears as a literal here: tokens are generated at run time or assembled
from obviously fake parts."""

from __future__ import annotations

from pat_scan.validators import validate


def test_slack_shapes() -> None:
    assert validate("slack_token", "xoxb-1234567890-1234567890-" + "a" * 24)
    assert not validate("slack_token", "xoxb-1234567890-1234567890-" + "a" * 23)
    assert validate("slack_token", "xoxp-12345678-12345678-12345678-" + "f" * 32)
    assert not validate("slack_token", "xoxp-12345678-12345678-12345678-" + "g" * 32)
