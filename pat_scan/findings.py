"""Findings: where a match is (line, column), how it is shown (redacted) and who it is (identity).

A finding's identity is its rule and its secret, not its location, so it survives moved lines,
rebases and squashes. The secret is kept in memory to compute these and never written out unless
the user asks for it (`--redact none`).
"""

from __future__ import annotations

from typing import NamedTuple, TypeAlias

from pat_scan.engine.matcher import Match
from pat_scan.rules import Rule

CONFIDENCE_ORDER = {"low": 0, "medium": 1, "high": 2}
SEVERITY_ORDER = {"low": 0, "medium": 1, "high": 2, "critical": 3}


class Commit(NamedTuple):
    """What is known of a commit: a pushed commit has only its id, a history scan knows more."""

    sha: str
    author: str | None = None
    email: str | None = None
    date: str | None = None  # ISO 8601 author date, as shown


class InFile(NamedTuple):
    """A file on disk, standard input, or a staged file: the path is relative to the current
    directory."""


class InCommit(NamedTuple):
    """A file version in a commit (a push, or a history scan): the path is the repository's."""

    commit: Commit
    at_head: bool | None = None  # history: HEAD's tree still holds it
    occurrences: int | None = None  # history: file versions and messages that hold the secret


class InMessage(NamedTuple):
    """A commit message (history scans)."""

    commit: Commit
    at_head: bool | None = None  # HEAD's tree holds the secret in a file too
    occurrences: int | None = None


Origin: TypeAlias = InFile | InCommit | InMessage
IN_FILE = InFile()
MESSAGE_PATH = "(commit message)"  # the path shown for a finding in a commit message


class Finding(NamedTuple):
    rule: Rule
    path: str  # relative POSIX path, or '-' for stdin
    line: int  # 1-based
    column: int  # 1-based, in characters
    end_line: int
    end_column: int  # exclusive
    secret: str
    confidence: str
    line_text: str  # the whole first line, for inline allow markers
    suppressed: str | None = None
    origin: Origin = IN_FILE  # where the bytes came from
    note: str | None = None  # where inside the file: 'base64', 'cell 3, line 2', ...
    # A finding re-read from the history store keeps its fingerprint but never its secret:
    # `stored` is that fingerprint, and `secret` then holds only the redacted preview.
    stored: str | None = None

    @property
    def fingerprint(self) -> str:
        """The published identity (derived once per rule and secret)."""
        return self.stored or identity(self.rule.id, self.secret)

    @property
    def preview(self) -> str:
        """The redacted form every report shows (a stored finding keeps nothing more)."""
        return self.secret if self.stored else redact(self.secret)

    @property
    def commit(self) -> Commit | None:
        """The commit the finding was made in, if it came from one."""
        return None if isinstance(self.origin, InFile) else self.origin.commit

    def __repr__(self) -> str:  # never the secret, not even in a traceback
        return f"Finding({self.rule.id!r}, {self.path!r}, {self.line}, {self.preview!r})"


def identity(rule_id: str, secret: str) -> str:
    """The published fingerprint of `secret` found by `rule_id` (pat_scan.fingerprints, imported
    only when a finding is made: a clean commit never loads it)."""
    from pat_scan.fingerprints import identity as derive

    return derive(rule_id, secret)


def redact(secret: str) -> str:
    """A short prefix (at most a fifth of the secret, at most 6 characters), then '…'."""
    keep = min(len(secret) // 5, 6)
    return secret[:keep] + "…"


def from_match(
    match: Match,
    data: bytes,
    path: str,
    span: tuple[int, int] | None = None,
    note: str | None = None,
) -> Finding:
    """A finding at the match, or at `span` of `data` when the match was made in a decoded or
    extracted view of it (then `note` says which)."""
    start, end = span or (match.start, match.end)
    line, column, line_start = locate(data, start)
    # The end from the start: newlines are counted once, not twice from the top of the file.
    end_line = line + data.count(b"\n", start, end)
    end_line_start = data.rfind(b"\n", start, end) + 1 or line_start
    end_column = _column(data, end_line_start, end)
    line_end = data.find(b"\n", line_start)
    line_text = data[line_start : len(data) if line_end == -1 else line_end]
    return Finding(
        rule=match.rule,
        path=path,
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
        secret=match.secret,
        confidence=match.confidence,
        line_text=line_text.decode("utf-8", "replace"),
        suppressed=match.suppressed,
        note=note,
    )


def locate(data: bytes, offset: int) -> tuple[int, int, int]:
    """(1-based line, 1-based character column, byte offset of the line start) of `offset`."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    return line, _column(data, line_start, offset), line_start


def _column(data: bytes, line_start: int, offset: int) -> int:
    """The 1-based character column of `offset` in the line starting at byte `line_start`."""
    return len(data[line_start:offset].decode("utf-8", "replace")) + 1
