"""Alphabets and encodings the validators share."""

from __future__ import annotations

import base64
import json
import random
from typing import Any

# --------------------------------------------------------------------------------------------
# Alphabets and encoding helpers
# --------------------------------------------------------------------------------------------

DIGITS = "0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
B62 = DIGITS + UPPER + _LOWER  # GitHub/npm order: 0-9A-Za-z
B36 = DIGITS + _LOWER
HEX_LOWER = "0123456789abcdef"
HEX_UPPER = "0123456789ABCDEF"
_B64 = UPPER + _LOWER + DIGITS + "+/"
B64URL = UPPER + _LOWER + DIGITS + "-_"
_B32 = UPPER + "234567"
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

B62_SET = frozenset(B62)
B36_SET = frozenset(B36)
B64_SET = frozenset(_B64)
B64URL_SET = frozenset(B64URL)
B32_SET = frozenset(_B32)
B58_SET = frozenset(B58)
ALNUM_SET = B62_SET
_URLSAFE_TO_STD = str.maketrans("-_", "+/")


def only(text: str, allowed: frozenset[str]) -> bool:
    return bool(text) and allowed.issuperset(text)


def is_digits(text: str) -> bool:
    # str.isdigit() alone accepts non-ASCII digits such as '٣'.
    return text.isascii() and text.isdigit()


def rand(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def encode_base(value: int, alphabet: str, width: int) -> str:
    """Big-endian positional encoding, left-padded with the alphabet's zero digit."""
    base = len(alphabet)
    out: list[str] = []
    while value:
        value, rem = divmod(value, base)
        out.append(alphabet[rem])
    return "".join(reversed(out)).rjust(width, alphabet[0])


def decode_base(text: str, alphabet: str) -> int | None:
    base = len(alphabet)
    value = 0
    for ch in text:
        digit = alphabet.find(ch)
        if digit < 0:
            return None
        value = value * base + digit
    return value


def b64_decode(text: str, alphabet: frozenset[str]) -> bytes | None:
    """Decode standard or url-safe base64, tolerating missing padding; None if malformed."""
    core = text.rstrip("=")
    if len(text) - len(core) > 2 or not only(core, alphabet) or len(core) % 4 == 1:
        return None
    padded = core.translate(_URLSAFE_TO_STD) + "=" * (-len(core) % 4)
    return base64.b64decode(padded, validate=True)


def b64url_nopad(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def json_object(data: bytes | None) -> dict[str, Any] | None:
    if data is None:
        return None
    try:
        obj = json.loads(data.decode("utf-8"))
    except ValueError:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
        return None
    return obj if isinstance(obj, dict) else None
