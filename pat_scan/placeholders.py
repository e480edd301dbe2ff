"""Values that look like credentials but are placeholders or documented examples."""

from __future__ import annotations

import hashlib
import re

_PLACEHOLDER_WORDS = (
    "example",
    "xxxx",
    "changeme",
    "change_me",
    "change-me",
    "dummy",
    "placeholder",
    "redacted",
    "sample",
    "your-",
    "your_",
    "yourapikey",
    "yourtoken",
    "insert",
    "replace",
    "todo",
    "fixme",
    "notreal",
    "not_real",
    "not-real",
    "fake",
)
# Template and environment references: the value is looked up elsewhere.
_REFERENCE = re.compile(
    r"\$\{|\$\(|\{\{|\}\}|%\(|<[^<>\s]{1,60}>|\bos\.environ|\bprocess\.env|\benv\(|\bgetenv",
    re.IGNORECASE,
)
_REPEATED = re.compile(r"(.)\1{7}")
_SEQUENCES = ("0123456789", "abcdefghijklmnopqrstuvwxyz")
_SEQUENCE_RUN = 6
_TOKEN_SIZED = 200

# SHA-256 of example credentials published in providers' documentation (GitHub's REST docs
# tokens), so the literal values never appear here. AWS's documented keys contain EXAMPLE.
_DOCUMENTED_EXAMPLES = frozenset(
    {
        "3543c50b0cb9cea8e55eb1f529b79f043cb250d485fde7b66cabbb5183add7da",
        "bc3ae723f57c6b9e3fd80b699fcc420f6074b0b1718039669d22631d508ac0a7",
        "82e74299544e00738f9c0acb69b1eb348b3e20ffcfabcb34779bd37590fead6c",
        "797c0ce414586cc8eb6929afe947c720e3e4d351dd070a6fe39f630beaab3054",
    }
)


def reason(secret: str, *, validated: bool = False) -> str | None:
    """Why `secret` is not a real credential ('placeholder', 'example key'), or None.

    A `validated` secret passed a checksum, so it was made by the provider's algorithm:
    placeholder words or runs inside it are chance, and only documented examples and the word
    EXAMPLE still count. Runs, sequences and words are judged on token-sized secrets only: long
    blobs such as private keys hold them by chance ('AAAA...' in OpenSSH length fields).
    """
    if hashlib.sha256(secret.encode()).hexdigest() in _DOCUMENTED_EXAMPLES:
        return "example key"
    lowered = secret.lower()
    if "example" in lowered:
        return "placeholder"
    if validated:
        return None
    if _REFERENCE.search(secret):
        return "placeholder"
    if len(secret) > _TOKEN_SIZED:
        return None
    if _REPEATED.search(secret) or _has_sequence(lowered):
        return "placeholder"
    if any(word in lowered for word in _PLACEHOLDER_WORDS):
        return "placeholder"
    return None


def _has_sequence(lowered: str) -> bool:
    for alphabet in _SEQUENCES:
        for start in range(len(alphabet) - _SEQUENCE_RUN + 1):
            run = alphabet[start : start + _SEQUENCE_RUN]
            if run in lowered or run[::-1] in lowered:
                return True
    return False


# Folders and file names that hold examples for readers, not configuration a program reads.
_EXAMPLE_FOLDERS = frozenset(
    {"example", "examples", "sample", "samples", "doc", "docs", "documentation"}
)
_EXAMPLE_NAME = re.compile(r"(?:^|[._-])(?:example|sample)s?(?:[._-]|$)", re.IGNORECASE)


def example_location(path: str) -> bool:
    """Whether `path` is documentation or an example file (`docs/`, `examples/`,
    `.env.example`, `config.sample.yaml`, `examples-1.json`)."""
    *folders, name = path.replace("\\", "/").split("/")
    return any(folder.lower() in _EXAMPLE_FOLDERS for folder in folders) or bool(
        _EXAMPLE_NAME.search(name)
    )
