"""User-facing errors, and the exit codes: the one table of them, applied by `cli.main`.

0 clean, 1 findings, 2 usage/config/rule error, 3 internal or git error (fail closed: a scan that
could not run never looks clean), 130 interrupted.
"""

from __future__ import annotations

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
