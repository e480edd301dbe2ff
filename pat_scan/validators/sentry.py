"""Sentry organization auth tokens: a base64 JSON payload and a secret."""

from __future__ import annotations

import base64
import json
import random

from pat_scan.validators._codec import B64_SET, b64_decode, json_object

# --------------------------------------------------------------------------------------------
# Sentry organization auth tokens: "sntrys_" + base64(JSON {iat, url, region_url, org}) + "_"
# + base64 of 32 random bytes without padding (43 characters)
# --------------------------------------------------------------------------------------------


def validate_sentry(secret: str) -> bool:
    if not secret.startswith("sntrys_"):
        return False
    payload, sep, key = secret[7:].rpartition("_")
    if not sep or len(key) != 43:
        return False
    key_raw = b64_decode(key, B64_SET)
    claims = json_object(b64_decode(payload, B64_SET))
    if key_raw is None or len(key_raw) != 32 or claims is None:
        return False
    return isinstance(claims.get("iat"), (int, float)) and isinstance(claims.get("url"), str)


def generate_sentry(rng: random.Random, arg: str) -> str:
    claims = {
        "iat": rng.randrange(1_600_000_000, 1_900_000_000) + rng.random(),
        "url": "https://sentry.io",
        "region_url": "https://us.sentry.io",
        "org": arg or f"org-{rng.randrange(10**6)}",
    }
    payload = base64.b64encode(json.dumps(claims).encode("utf-8")).decode("ascii")
    key = base64.b64encode(rng.randbytes(32)).decode("ascii").rstrip("=")
    return f"sntrys_{payload}_{key}"
