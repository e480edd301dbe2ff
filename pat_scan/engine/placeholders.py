"""Values that look like credentials but are placeholders or documented examples."""

from __future__ import annotations

import functools
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
    "notapassword",  # values that say what they are not
    "not_a_password",
    "notasecret",
    "not_a_secret",
)
# Template and environment references: the value is looked up elsewhere. `${`, `$(` and `%(`
# count only before a name, and `{{` only closed: random keys (Django's among them) hold those
# pairs by chance; `<...>` only as the whole value or its word-like start or end (`<your-token>`),
# never inside a random one.
_REFERENCE = (
    r"\$\{\{?\s*[A-Za-z_][\w.\[\]'\"-]*\s*[}:=?|-]|\$\([A-Za-z_]|\{\{[^{}\n]{1,100}\}\}"
    r"|%\([A-Za-z_]\w*\)|^<[^<>\s]{1,60}>|<[A-Za-z_][\w.-]{0,40}>$"
    r"|^<[A-Za-z_][\w.-]{0,40}>|\bos\.environ|\bprocess\.env|\benv\(|\bgetenv"
    r"|^\\?\$[A-Za-z_]\w*$|^%[A-Za-z_][\w.-]*%$|%\{[\w.-]+\}|#\{[^}]{1,60}\}"
    r"|\[\[\s*\.?[\w.-]+\s*\]\]|@@[\w.-]+@@|^\{\.[\w.\[\]-]+\}$"
    r"|^!(?:Ref|Sub|GetAtt|ImportValue|FindInMap|Secret)\b|^valueFrom\b"
    r"|^(?:vault|ssm|secretsmanager|awssm|azurekv|gcpsm|sops|op|doppler|ref\+[a-z]+)://?"
    r"|^arn:aws[\w-]*:(?:secretsmanager|ssm|kms):|^ENC\(.*\)$|^ENC\[.*\]$|^\{cipher\}"
    r"|^vault:v\d+:"
)


@functools.cache  # compiled when a match is first checked: a clean commit never pays (4 ms)
def _reference() -> re.Pattern[str]:
    return re.compile(_REFERENCE, re.IGNORECASE)


_REPEATED = re.compile(r"(.)\1{7,}")
_SEQUENCES = ("0123456789", "abcdefghijklmnopqrstuvwxyz")
_SEQUENCE_RUN = 6
_TOKEN_SIZED = 200

# SHA-256 of credentials published as examples, so the literal values never appear here:
# GitHub's REST docs tokens, the Google API keys in firebase-android-sdk's tests, and the bot
# token in Telegram's Bot API docs, the swarm join tokens of Docker Engine's API reference, and
# the password of Oracle's demo account (scott), which every database tutorial uses. AWS's
# documented keys contain EXAMPLE.
_DOCUMENTED_EXAMPLES = frozenset(
    {
        "3543c50b0cb9cea8e55eb1f529b79f043cb250d485fde7b66cabbb5183add7da",
        "bc3ae723f57c6b9e3fd80b699fcc420f6074b0b1718039669d22631d508ac0a7",
        "82e74299544e00738f9c0acb69b1eb348b3e20ffcfabcb34779bd37590fead6c",
        "797c0ce414586cc8eb6929afe947c720e3e4d351dd070a6fe39f630beaab3054",
        "27a9a42931dff7eb2f8434e20a9bce976ea364e7bee49187f19d5cfeca9c7045",
        "49f777db995e8260da7ca9ffdf0c08d66f0453e97ec967018baf2cdfe3b582d0",
        "a6c814bc555ae62c7bd8b58ec07bf559c7ed3a009976a1e0acc9cef0d4473b41",
        "8731261cb72d86267a32a532ebd3df429e2144e5e4ced7e13568bc9e6c8fb1b1",
        "37f8f09bdf12c2f2eae4ead7273a62ddb0c23459cbf902892f282b57f7ed6619",
        "eb540d2b6ee2a0a47c5779bc8a0141784c6b753840d4c6f4e2428a6e86e9e0b1",
        "2037abcaffb2b77785da716cf7ccff4ff4d00c4ea930db0167b7d71f50af7eb4",
        "3a8b61d0f636b007840c0d40ba12bcf48465dc054cdc1a68704a33521d84b665",
        "4c98242dcadc8b29005c6b4aad526552d5ea1842149154c0694adeec75847583",
        "ea9bb1082cf95663f5faca23b8b15ef2aa0fce0a5c6df9c32dcb85b2e0a4513d",
        "3f370c9dd8225c63b5c77de1f785edc9712958f18bb612d5fa2e0ae33aeca682",
        "a19f89ab3555eac10c40741f6df79ecf0935998f15569f8db9d67bce0181fff6",
        "e4a5542bb7fd7b67e943c71ad29c34b5972c9840597e7eda53e666f44d5da0b9",
        "dc0fcf046c61640cbd1e8b999ada3262d722c2ca4bf42dceac999020ffdbb614",
        "0b476bdf9acf2123d547b5ae76f1e59884d8ec9553ee0c47e9f31fd4768f3f3c",
        "6f3791a57f1d6dd805f185c6c500c6b4db61f5d2f2f5a86018877b67ef9c55cd",
        "33a6d3750d9a769b1c15ed2c4c2aa19f88fd673de6f98ca5327fb78639770e8d",
        "b5b17ca1d65733bbbdf82a5ca9164a549f0b077846125f397658b468c4292e16",
        "f15c16b99f82d8201767d3a841ff40849c8a1b812ffbfd2e393d2b6aa6682a6e",
    }
)


def reason(secret: str, *, validated: bool = False, password: bool = False) -> str | None:
    """Why `secret` is not a real credential ('placeholder', 'example key'), or None.

    A `validated` secret passed a checksum, so it was made by the provider's algorithm:
    placeholder words or runs inside it are chance, and only documented examples and the word
    EXAMPLE still count. Runs, sequences and words are judged on token-sized secrets only: long
    blobs such as private keys hold them by chance ('AAAA...' in OpenSSH length fields). For a
    `password`, a counting sequence (`123456`, `qwerty1234`) is a weak password, not a
    placeholder: the judge decides.
    """
    if hashlib.sha256(secret.encode()).hexdigest() in _DOCUMENTED_EXAMPLES:
        return "example key"
    lowered = secret.lower()
    if "example" in lowered:
        return "placeholder"
    if validated:
        return None
    if _reference().search(secret):
        return "reference"
    if len(secret) > _TOKEN_SIZED:
        return None
    if _mostly_run(secret) or (not password and _has_sequence(lowered)):
        return "placeholder"
    if any(word in lowered for word in _PLACEHOLDER_WORDS):
        return "placeholder"
    return None


def _mostly_run(secret: str) -> bool:
    """A run of 8+ equal characters that is at least half the value (`xxxxxxxx`, `AAAA...`):
    a shorter run inside a long random value is chance."""
    return any(2 * len(m.group(0)) >= len(secret) for m in _REPEATED.finditer(secret))


def _has_sequence(lowered: str) -> bool:
    """A run such as `123456` or `abcdef` (or reversed): six in a row do not happen by chance
    in a random value."""
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
_JVM_ROOT = re.compile(r"(?:^|/)src/(?:main|test)/(?:java|kotlin|scala|groovy)/")


@functools.lru_cache(maxsize=4096)  # asked for every file scanned; paths recur in a history
def example_location(path: str) -> bool:
    """Whether `path` is documentation or an example file (`docs/`, `examples/`,
    `.env.example`, `config.sample.yaml`, `examples-1.json`)."""
    path = path.replace("\\", "/")
    jvm = _JVM_ROOT.search(path)
    if jvm is not None:  # package names below a JVM source root say nothing of the file
        path = path[jvm.end() :].rsplit("/", 1)[-1]
    *folders, name = path.split("/")
    return any(folder.lower() in _EXAMPLE_FOLDERS for folder in folders) or bool(
        _EXAMPLE_NAME.search(name)
    )
