"""pat_scan.validators.discord: its format, by hand-made and generated tokens.

No complete credential appears as a literal here: tokens are generated at run time or assembled
from obviously fake parts."""

from __future__ import annotations

import base64

from pat_scan.validators import validate


def discord_token(ident: str) -> str:
    encoded = base64.b64encode(ident.encode()).decode().rstrip("=")
    return f"{encoded}.AbCdEf.{'x' * 27}"


def test_discord_id_rules() -> None:
    assert validate("discord_bot", discord_token("1" * 18))
    assert not validate("discord_bot", discord_token("1" * 16))  # too short for a snowflake
    assert not validate("discord_bot", discord_token("9" * 20))  # over 64 bits
    assert not validate("discord_bot", discord_token("12345678901234567a"))
    assert not validate("discord_bot", discord_token("1" * 18)[:-1])  # MAC too short
