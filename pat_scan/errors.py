"""User-facing errors, and the exit codes: the one table of them, applied by `cli.main`.

0 clean, 1 findings, 2 usage/config/rule error, 3 internal or git error (fail closed: a scan that
could not run never looks clean), 130 interrupted.
"""

from __future__ import annotations

import io
import itertools
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

# A run of the characters tokens are made of ('/' too: base64). '.', ':' and spaces end it.
_RUN = r"[A-Za-z0-9_+/=-]{16,}"
_PIECE = r"[A-Za-z0-9_+=-]{16,}"
_TOKEN = r"[A-Za-z0-9_+/=:.-]{16,}"


def redact_secrets(text: str) -> str:
    """`text` with everything secret-shaped cut to a short prefix and '…', as reports show
    secrets.

    Secret-shaped, for a run of 16 or more token characters: mixed case with digits (base62,
    base64, base58); mixed case that is not made of words (few vowels, lone lower-case letters
    between capitals, or as many switches between character classes as random text has);
    at least 20 characters of which letters and digits are each at least 10% (hex, base32,
    bech32); or a token an offline check accepts (pat_scan.validators: AWS key ids, Telegram
    and JWT tokens with their ':' and '.', age and nostr keys...). A run with '/' in it is cut
    whole when, taken whole, it looks random (a line of base64) or, unless it is an absolute
    path, secret-shaped; else each secret-shaped piece between its slashes is. Words,
    CamelCase identifiers, rule ids, paths and numbers stay as they are; a guessable password
    cannot be told from a word without its context and is not redacted."""
    return re.sub(_RUN, _redact_run, re.sub(_TOKEN, _redact_validated, text))


def _redact_validated(match: re.Match[str]) -> str:
    """Tokens with '.' or ':' inside (JWT, Telegram, GitLab) that an offline check accepts,
    between the '/' of a path or the '..' of a range."""
    pieces = re.split(r"(/|\.\.+)", match.group())
    for n, piece in enumerate(pieces):
        token = piece.rstrip(".:")
        if len(token) >= 16 and _validated(token):
            pieces[n] = _redacted(token, True) + piece[len(token) :]
    return "".join(pieces)


def _redact_run(match: re.Match[str]) -> str:
    run = match.group()
    if "/" not in run:
        return _redacted(run)
    joined = run.replace("/", "")
    # A relative path that looks like a token, or base64 (which '/' cuts into pieces): whole.
    if _random(joined) or (not run.startswith("/") and _secret_shaped(joined)):
        return _redacted(run, True)
    return re.sub(_PIECE, lambda piece: _redacted(piece.group()), run)  # an absolute path


def _redacted(word: str, shaped: bool | None = None) -> str:
    if shaped is None:
        shaped = _secret_shaped(word)
    return word[: min(len(word) // 5, 6)] + "…" if shaped else word


def _secret_shaped(word: str) -> bool:
    digits = sum(c.isdigit() for c in word)
    letters = [c for c in word if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    if 0 < upper < len(letters):  # mixed case: with digits, or not made of words
        vowels = sum(c in "aeiouAEIOU" for c in letters)
        # 'xAbC': lone lower-case letters between capitals, rare in CamelCase words
        lone = len(re.findall(r"(?=[A-Z][a-z][A-Z])", word))
        if digits or vowels < 0.25 * len(letters) or lone >= 2 or _random(word):
            return True
    if len(word) >= 20 and min(digits, len(letters)) >= 0.1 * len(word):
        return True
    return _validated(word)


def _validated(word: str) -> bool:
    from pat_scan.validators import CHECKS

    return any(check.validate(word) for check in CHECKS.values())


def _random(text: str) -> bool:
    """Mixed case that switches between upper case, lower case and digits at least 45% of the
    time (random base64 does ~65%, a CamelCase path or identifier 30-42%)."""
    letters = [c for c in text if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    if len(text) < 16 or not 0.2 * len(letters) <= upper <= 0.8 * len(letters):
        return False
    kinds = [c.isupper() - c.islower() for c in text if c.isalnum()]  # 1, -1, or 0: a digit
    switches = sum(a != b for a, b in itertools.pairwise(kinds))
    return switches >= 0.45 * (len(kinds) - 1)


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
