"""User-facing errors. Each maps to one exit code in `cli.main`."""

from __future__ import annotations


class PatScanError(Exception):
    """Base of every error pat-scan reports as one line, without a traceback."""

    exit_code = 3


class UsageError(PatScanError):
    """Bad command line, configuration or rule pack: the user can fix it."""

    exit_code = 2


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

    exit_code = 3
