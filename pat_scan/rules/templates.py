"""Expand the templates in rule examples into concrete, deterministic values.

Examples never hold a literal credential (it would set off other scanners and push protection):
`{{gen:CHECK[:ARG]}}` makes a token that passes a validator, `{{bad:CHECK[:ARG]}}` the same with
one character changed, `{{rand:ALPHABET:N}}` N random characters.
"""

from __future__ import annotations

import hashlib
import random
import string

import regex

from pat_scan.rules import Example, Rule

ALPHABETS = {
    "alnum": string.ascii_letters + string.digits,
    "lower": string.ascii_lowercase,
    "upper": string.ascii_uppercase,
    "digits": string.digits,
    "hex": "0123456789abcdef",
    "HEX": "0123456789ABCDEF",
    "base64": string.ascii_letters + string.digits + "+/",
    "base64url": string.ascii_letters + string.digits + "-_",
    "lowernum": string.ascii_lowercase + string.digits,
    "uppernum": string.ascii_uppercase + string.digits,
    "base32": string.ascii_uppercase + "234567",
}
_TEMPLATE = regex.compile(r"\{\{(gen|bad|rand):([A-Za-z0-9_]+)(?::([^}]*))?\}\}")


class TemplateError(ValueError):
    pass


def expand(text: str, seed: str) -> str:
    rng = random.Random(hashlib.sha256(seed.encode()).digest())
    expanded: str = _TEMPLATE.sub(
        lambda m: _one(rng, m.group(1), m.group(2), m.group(3) or ""), text
    )
    return expanded


def expanded(rule: Rule) -> tuple[list[Example], list[Example]]:
    """(examples, negative examples) of `rule` with templates expanded."""

    def each(items: tuple[Example, ...], kind: str) -> list[Example]:
        return [
            Example(expand(e.text, f"{rule.id}:{kind}:{i}"), e.confidence, e.path)
            for i, e in enumerate(items)
        ]

    return each(rule.examples, "example"), each(rule.negative_examples, "negative")


def _one(rng: random.Random, kind: str, name: str, arg: str) -> str:
    if kind == "rand":
        if name not in ALPHABETS or not arg.isdigit():
            raise TemplateError(f"{{{{rand:{name}:{arg}}}}}: unknown alphabet or bad length")
        return "".join(rng.choice(ALPHABETS[name]) for _ in range(int(arg)))
    from pat_scan.validators import CHECKS

    check = CHECKS.get(name)
    if check is None:
        raise TemplateError(f"{{{{{kind}:{name}}}}}: unknown validator")
    token = check.generate(rng, arg)
    return _corrupt(rng, token) if kind == "bad" else token


def _corrupt(rng: random.Random, token: str) -> str:
    """Change one alphanumeric character near the middle to another of the same kind (digit,
    hex letter, letter of the same case), so the shape still matches but a checksum fails."""
    middle = len(token) // 2
    for position in (*range(middle, len(token)), *range(middle - 1, -1, -1)):
        char = token[position]
        if char.isascii() and char.isalnum():
            pool = next(p for p in _SAME_KIND if char in p).replace(char, "")
            return token[:position] + rng.choice(pool) + token[position + 1 :]
    raise TemplateError(f"cannot corrupt {token[:4]}…: no alphanumeric character")


_SAME_KIND = (string.digits, "abcdef", "ABCDEF", string.ascii_lowercase, string.ascii_uppercase)
