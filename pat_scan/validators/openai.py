"""OpenAI API keys: the base64 of 'OpenAI' inside the key."""

from __future__ import annotations

import random

from pat_scan.validators._codec import B62, B64URL, B64URL_SET, only, rand

# --------------------------------------------------------------------------------------------
# OpenAI API keys: "sk-" [+ kind "-"] + A + "T3BlbkFJ" (base64 of "OpenAI") + B, where A and B
# have the same length: 20 alnum each in legacy keys, 58 or 74 base64url in project,
# service-account and admin keys.
# --------------------------------------------------------------------------------------------

_OPENAI_MARKER = "T3BlbkFJ"
_OPENAI_KIND_SET = frozenset(B62 + "_")


def _openai_kinds_ok(kinds: str) -> bool:
    """What follows "sk-": nothing, or "name-" segments (proj-, svcacct-, admin-, ...)."""
    return not kinds or (kinds.endswith("-") and only(kinds.replace("-", ""), _OPENAI_KIND_SET))


def validate_openai(secret: str) -> bool:
    idx = secret.rfind(_OPENAI_MARKER)
    if not secret.startswith("sk-") or idx < 0:
        return False
    after = secret[idx + len(_OPENAI_MARKER) :]
    size = len(after)
    if size < 20 or idx - size < 3:
        return False
    before, prefix = secret[idx - size : idx], secret[: idx - size]
    if not only(before + after, B64URL_SET):
        return False
    return _openai_kinds_ok(prefix[3:])


def generate_openai(rng: random.Random, arg: str) -> str:
    prefix = arg or "sk-proj-"
    if not prefix.startswith("sk-") or not _openai_kinds_ok(prefix[3:]):
        raise ValueError(f"openai_marker: prefix must look like 'sk-' or 'sk-proj-', got {arg!r}")
    if prefix == "sk-":
        return prefix + rand(rng, B62, 20) + _OPENAI_MARKER + rand(rng, B62, 20)
    return prefix + rand(rng, B64URL, 74) + _OPENAI_MARKER + rand(rng, B64URL, 74)
