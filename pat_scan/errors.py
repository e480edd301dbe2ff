"""User-facing errors, and the exit codes: the one table of them, applied by `cli.main`.

0 clean, 1 findings, 2 usage/config/rule error, 3 internal or git error (fail closed: a scan that
could not run never looks clean), 130 interrupted.
"""

from __future__ import annotations

import io
import re
from typing import TextIO

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


class PatScanError(Exception):
    """Base of every error pat-scan reports as one line, without a traceback."""

    exit_code = EXIT_INTERNAL


class UsageError(PatScanError):
    """Bad command line, configuration or rule pack: the user can fix it."""

    exit_code = EXIT_USAGE


class RuleError(UsageError):
    """A rule pack is malformed; the message names the file, rule id and key."""

    def __init__(self, path: str, rule_id: str | None, key: str | None, problem: str) -> None:
        where = path
        if rule_id:
            where += f": rule {rule_id!r}"
        if key:
            where += f": key {key!r}"
        super().__init__(f"{where}: {problem}")


class ConfigError(UsageError):
    """The configuration file is malformed; the message names the file and key."""

    def __init__(self, path: str, key: str | None, problem: str) -> None:
        where = f"{path}: key {key!r}" if key else path
        super().__init__(f"{where}: {problem}")


class GitError(PatScanError):
    """git failed or the repository is unusable: never reported as "no secrets"."""

    exit_code = EXIT_INTERNAL


# --------------------------------------------------------------------------------------------
# Redaction on the error path: messages name values from the configuration, the command line
# and git, and any of them may be a token pasted in the wrong place.
# --------------------------------------------------------------------------------------------

# A run of characters a token is made of; '/', '.' and ':' end it, so paths and URLs keep
# their shape (a base64 token with '/' in it is redacted a piece at a time).
_WORD = r"[A-Za-z0-9_+=-]{16,}"


def redact_secrets(text: str) -> str:
    """`text` with every secret-shaped run of 16 or more token characters cut to a short prefix
    and '…' (as reports show secrets).

    Secret-shaped: a token an offline check accepts (pat_scan.validators: AWS key ids, nostr
    and age keys, ...), or mixed-case letters with digits (base62, base64, base58), or at least
    20 characters of which letters and digits are each at least 15% (hex, base32, bech32).
    Words, identifiers, rule ids, paths and numbers are left alone; a guessable password is
    not recognisable without its context and is not redacted."""
    return re.sub(_WORD, _redact_word, text)


def _redact_word(match: re.Match[str]) -> str:
    word = match.group()
    return word[: min(len(word) // 5, 6)] + "…" if _secret_shaped(word) else word


def _secret_shaped(word: str) -> bool:
    digits = sum(c.isdigit() for c in word)
    letters = sum(c.isalpha() for c in word)
    upper = any(c.isupper() for c in word)
    lower = any(c.islower() for c in word)
    if digits and upper and lower:
        return True
    if len(word) >= 20 and min(digits, letters) >= 0.15 * len(word):
        return True
    from pat_scan.validators import CHECKS

    return any(check.validate(word) for check in CHECKS.values())


class RedactingStream(io.TextIOBase):
    """A text stream that writes through `redact_secrets`: pat-scan's stderr while `cli.main`
    runs, so every error and warning (argparse's too) is redacted in one place."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(redact_secrets(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.stream.encoding
