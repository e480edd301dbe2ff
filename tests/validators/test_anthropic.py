"""pat_scan.validators.anthropic: its format, by hand-made and generated tokens.

No complete credential appears as a literal here: tokens are generated at run time or assembled
from obviously fake parts."""

from __future__ import annotations

from pat_scan.validators import validate
from tests.helpers import token as new_token


def test_anthropic_shape() -> None:
    token = new_token("anthropic_key", "", 31)
    assert len(token) == 108
    assert token.endswith("AA")
    assert not validate("anthropic_key", token[:-2] + "AB")
