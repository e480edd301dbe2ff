"""Anthropic API keys: a prefix, 93 base64url characters and 'AA'."""

from __future__ import annotations

import random

from pat_scan.validators._codec import B64URL, B64URL_SET, only, rand

# --------------------------------------------------------------------------------------------
# Anthropic API keys: "sk-ant-api03-" (or "sk-ant-admin01-") + 93 base64url + "AA"
# --------------------------------------------------------------------------------------------

_ANTHROPIC_PREFIXES = ("sk-ant-api03-", "sk-ant-admin01-")


def validate_anthropic(secret: str) -> bool:
    prefix = next((p for p in _ANTHROPIC_PREFIXES if secret.startswith(p)), None)
    if prefix is None:
        return False
    body = secret[len(prefix) :]
    return len(body) == 95 and body.endswith("AA") and only(body, B64URL_SET)


def generate_anthropic(rng: random.Random, arg: str) -> str:
    prefix = arg or "sk-ant-api03-"
    if prefix not in _ANTHROPIC_PREFIXES:
        raise ValueError(f"anthropic_key: prefix must be one of {_ANTHROPIC_PREFIXES}")
    return prefix + rand(rng, B64URL, 93) + "AA"
