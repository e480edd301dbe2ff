"""Findings: where a match is (line, column), how it is shown (redacted) and who it is (identity).

A finding's identity is its rule and its secret, not its location, so it survives moved lines,
rebases and squashes. The secret is kept in memory to compute these and never written out unless
the user asks for it (`--redact none`).
"""

from __future__ import annotations

from collections.abc import Iterable
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
    why_low: str | None = None  # why the confidence is low, when it is

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


def fingerprint_all(found: Iterable[Finding]) -> None:
    """Derive the fingerprints of many findings at once, on every core, before they are asked
    for one by one (the JSON and SARIF reports, baseline matching)."""
    from pat_scan.fingerprints import derive_ahead

    derive_ahead((f.rule.id, f.secret) for f in found if not f.stored)


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
    lines: Lines | None = None,
) -> Finding:
    """A finding at the match, or at `span` of `data` when the match was made in a decoded or
    extracted view of it (then `note` says which). `lines` locates offsets in `data`: one per
    buffer keeps the cost of many findings linear."""
    start, end = span or (match.start, match.end)
    lines = lines or Lines(data)
    line, column, line_start = lines.locate(start)
    newline = lines.newline
    # The end from the start: newlines are counted once, not twice from the top of the file.
    end_line = line + data.count(newline, start, end)
    end_line_start = data.rfind(newline, start, end) + 1 or line_start
    end_column = (
        column + _characters(data, start, end)
        if end_line_start == line_start
        else _characters(data, end_line_start, end) + 1
    )
    return Finding(
        rule=match.rule,
        path=path,
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
        secret=match.secret,
        confidence=match.confidence,
        line_text=lines.text_around(line_start, start, end),
        suppressed=match.suppressed,
        note=note,
        why_low=match.why_low,
    )


# A line longer than this keeps only the text around the secret and the line's end (where
# comments and allow markers sit): one line of a minified file is not copied for each finding.
MAX_LINE_TEXT = 4096
_AROUND = 1024
_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))


class Lines:
    """Line numbers and character columns of byte offsets in one buffer, in one pass however
    many findings it holds: an offset after the last one asked is counted on from it, an
    earlier one is looked up in a newline index built once. A file with no LF but CRs (old Mac
    files) has CR-terminated lines."""

    __slots__ = (
        "_column",
        "_index",
        "_line",
        "_line_end",
        "_line_start",
        "_offset",
        "data",
        "newline",
    )

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.newline = b"\r" if b"\n" not in data and b"\r" in data else b"\n"
        self._offset = 0  # the last offset asked for, and where it is
        self._line = 1
        self._line_start = 0
        self._column = 1
        self._line_end = -1  # where the line of `_offset` ends, once looked for
        self._index: list[int] | None = None

    def locate(self, offset: int) -> tuple[int, int, int]:
        """(1-based line, 1-based character column, byte offset of the line start)."""
        data, newline = self.data, self.newline
        if offset < self._offset:
            return self._look_up(offset)
        last_newline = data.rfind(newline, self._offset, offset)
        if last_newline == -1:  # the same line as the last offset asked for
            self._column += _characters(data, self._offset, offset)
        else:
            self._line += data.count(newline, self._offset, offset)
            self._line_start = last_newline + 1
            self._column = _characters(data, self._line_start, offset) + 1
            self._line_end = -1
        self._offset = offset
        return self._line, self._column, self._line_start

    def _look_up(self, offset: int) -> tuple[int, int, int]:
        from bisect import bisect_left

        if self._index is None:
            import re

            self._index = [m.start() for m in re.finditer(re.escape(self.newline), self.data)]
        before = bisect_left(self._index, offset)
        line_start = self._index[before - 1] + 1 if before else 0
        return before + 1, _characters(self.data, line_start, offset) + 1, line_start

    def text_around(self, line_start: int, start: int, end: int) -> str:
        """The text of the line that starts at `line_start` (bounded around start..end)."""
        data = self.data
        if line_start == self._line_start and self._line_end != -1:
            line_end = self._line_end
        else:
            found = data.find(self.newline, start)
            line_end = len(data) if found == -1 else found
            if line_start == self._line_start:
                self._line_end = line_end
        if line_end - line_start <= MAX_LINE_TEXT:
            text = data[line_start:line_end]
        else:
            around = data[max(line_start, start - _AROUND) : min(line_end, end + _AROUND)]
            tail = data[max(line_end - _AROUND, end + _AROUND) : line_end]
            text = around + b" \xe2\x80\xa6 " + tail if tail else around
        return text.decode("utf-8", "replace")


def locate(data: bytes, offset: int) -> tuple[int, int, int]:
    """(1-based line, 1-based character column, byte offset of the line start) of `offset`."""
    return Lines(data).locate(offset)


def _characters(data: bytes, start: int, end: int) -> int:
    """Characters in data[start:end] (UTF-8: every byte but a continuation byte starts one)."""
    return len(data[start:end].translate(None, _CONTINUATION_BYTES))
