"""Discord bot tokens: a user id, a timestamp and an HMAC."""

from __future__ import annotations

import base64
import random

from pat_scan.validators._codec import (
    B64_SET,
    B64URL,
    B64URL_SET,
    b64_decode,
    is_digits,
    only,
    rand,
)

# --------------------------------------------------------------------------------------------
# Discord bot tokens: base64(user id) "." 6-char timestamp "." HMAC (27 or more characters)
# --------------------------------------------------------------------------------------------

_B64_ANY_SET = B64_SET | B64URL_SET


def validate_discord(secret: str) -> bool:
    parts = secret.split(".")
    if len(parts) != 3:
        return False
    ident, stamp, mac = parts
    if len(stamp) != 6 or not only(stamp, B64URL_SET):
        return False
    if not 27 <= len(mac) <= 64 or not only(mac, B64URL_SET):
        return False
    raw = b64_decode(ident, _B64_ANY_SET)
    if raw is None:
        return False
    text = raw.decode("latin-1")
    # Snowflake ids are 64-bit integers of 17 to 20 decimal digits.
    return is_digits(text) and 17 <= len(text) <= 20 and text[0] != "0" and int(text) < 2**64


def generate_discord(rng: random.Random, arg: str) -> str:
    if arg:
        raise ValueError(f"discord_bot takes no argument, got {arg!r}")
    ident = str(rng.randrange(10**16, 2**63)).encode("ascii")
    encoded = base64.b64encode(ident).decode("ascii").rstrip("=")
    return f"{encoded}.{rand(rng, B64URL, 6)}.{rand(rng, B64URL, 38)}"
