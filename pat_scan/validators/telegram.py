"""Telegram bot tokens: a bot id and 35 base64url characters."""

from __future__ import annotations

import random

from pat_scan.validators._codec import B64URL, B64URL_SET, is_digits, only, rand

# --------------------------------------------------------------------------------------------
# Telegram bot tokens (core.telegram.org/bots/api): "<bot id>:<35 base64url characters>"
# --------------------------------------------------------------------------------------------


def validate_telegram(secret: str) -> bool:
    bot_id, sep, token = secret.partition(":")
    if not sep or not is_digits(bot_id) or not 8 <= len(bot_id) <= 10 or bot_id[0] == "0":
        return False
    return len(token) == 35 and only(token, B64URL_SET)


def generate_telegram(rng: random.Random, arg: str) -> str:
    if arg:
        raise ValueError(f"telegram_bot takes no argument, got {arg!r}")
    # Issued tokens start with "AA"; the validator does not insist on it.
    return f"{rng.randrange(10**8, 10**10)}:AA{rand(rng, B64URL, 33)}"
