"""Slack tokens: prefixes, numeric ids and a secret, by token type."""

from __future__ import annotations

import random

from pat_scan.validators._codec import ALNUM_SET, B62, DIGITS, UPPER, is_digits, only, rand
from pat_scan.validators.grafana import HEX_LOWER_SET

# --------------------------------------------------------------------------------------------
# Slack tokens (api.slack.com/authentication/token-types):
#   bot  xoxb-<team digits>-<bot digits>-<24 alnum>
#   user xoxp-<digits>-<digits>-<digits>-<32 hex> (xoxe- in file links has the same shape)
#   app  xapp-1-<app id, A + upper/digits>-<digits>-<64 hex>
# --------------------------------------------------------------------------------------------

_UPPER_NUM_SET = frozenset(UPPER + DIGITS)


def validate_slack(secret: str) -> bool:
    parts = secret.split("-")
    kind = parts[0]
    if kind == "xoxb" and len(parts) == 4:
        return (
            all(is_digits(p) and 8 <= len(p) <= 14 for p in parts[1:3])
            and len(parts[3]) == 24
            and only(parts[3], ALNUM_SET)
        )
    if kind in ("xoxp", "xoxe") and len(parts) == 5:
        return (
            all(is_digits(p) and 8 <= len(p) <= 14 for p in parts[1:4])
            and len(parts[4]) == 32
            and only(parts[4], HEX_LOWER_SET)
        )
    if kind == "xapp" and len(parts) == 5:
        return (
            parts[1] == "1"
            and parts[2].startswith("A")
            and 9 <= len(parts[2]) <= 12
            and only(parts[2], _UPPER_NUM_SET)
            and is_digits(parts[3])
            and len(parts[4]) == 64
            and only(parts[4], HEX_LOWER_SET)
        )
    return False


def generate_slack(rng: random.Random, arg: str) -> str:
    kind = arg or "xoxb"

    def num() -> str:
        return str(rng.randrange(10**10, 10**13))

    if kind == "xoxb":
        return f"xoxb-{num()}-{num()}-{rand(rng, B62, 24)}"
    if kind in ("xoxp", "xoxe"):
        return f"{kind}-{num()}-{num()}-{num()}-{rng.randbytes(16).hex()}"
    if kind == "xapp":
        app = "A" + rand(rng, UPPER + DIGITS, 10)
        return f"xapp-1-{app}-{num()}-{rng.randbytes(32).hex()}"
    raise ValueError(f"slack_token: argument must be xoxb, xoxp, xoxe or xapp, got {arg!r}")
