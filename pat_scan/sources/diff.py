"""Parse `git diff -p -U0 --full-index` output: which blob each file became, which lines were added.

Only the new side matters: the scanner reads the whole new blob (so multi-line keys and context
still match) and keeps findings that touch an added line. Hunks are consumed by their line
counts, so content that looks like a header ("diff --git", "+++ b/x") cannot confuse the parser.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

COMMIT_MARKER = b"\0commit "  # what `--format=%x00commit %H` prints before each commit's patch
_GITLINK = "160000"
_SYMLINK = "120000"


class FileChange:
    """One file's change, filled in as the parser reads its header and hunks."""

    __slots__ = ("added", "binary", "blob", "commit", "mode", "old_blob", "part", "path")

    def __init__(self, path: str = "", commit: str = "", part: int = 0) -> None:
        self.path = path
        self.commit = commit  # the commit that made the change ('' for staged changes)
        self.part = part  # which commit marker it followed (a merge's patch per parent)
        self.blob = ""  # full id of the new blob; all zeros when the file was deleted
        self.old_blob = ""  # full id of the blob it replaced; all zeros for a new file
        self.mode = ""
        self.added: list[tuple[int, int]] = []  # 1-based, inclusive line ranges
        self.binary = False

    def __repr__(self) -> str:
        return f"FileChange({self.path!r}, blob={self.blob[:12]!r}, added={self.added})"

    @property
    def scannable(self) -> bool:
        """A regular file that gained content: gitlinks, symlinks and deletions carry no text.

        Binary files count too, so that they are read, classified and counted as skipped."""
        gained = bool(self.added) or self.binary
        return bool(self.blob.strip("0")) and gained and self.mode not in (_GITLINK, _SYMLINK)

    def touches(self, first: int, last: int) -> bool:
        return any(start <= last and first <= end for start, end in self.added)


# The empty blob's id (SHA-1 and SHA-256 repositories): an empty new file adds no line.
_EMPTY_BLOBS = frozenset(
    {
        "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391",
        "473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813",
    }
)


class RawChange(NamedTuple):
    """One line of `git diff --raw -z`: a change without its text."""

    status: str  # A, M, D, T, U, R<score>, C<score>
    new_mode: str
    old_blob: str
    new_blob: str
    path: str  # the new path of a rename or copy


def parse_raw(output: bytes) -> list[RawChange]:
    """The changes `git diff --raw -z --no-abbrev` lists, in its order."""
    fields = output.split(b"\0")
    found: list[RawChange] = []
    index = 0
    while index < len(fields) and fields[index].startswith(b":"):
        _, new_mode, old_blob, new_blob, status = fields[index][1:].decode().split(" ")
        paths = 2 if status[:1] in ("R", "C") else 1
        path = fields[index + paths].decode("utf-8", "surrogateescape")
        found.append(RawChange(status, new_mode, old_blob, new_blob, path))
        index += 1 + paths
    return found


def added_whole(change: RawChange) -> FileChange:
    """The change a patch would give for a file the commit adds (status A): every line of it
    added, none if it is empty; what its text is does not matter."""
    found = FileChange(change.path)
    found.blob, found.old_blob, found.mode = change.new_blob, change.old_blob, change.new_mode
    if change.new_blob not in _EMPTY_BLOBS:
        found.added.append((1, sys.maxsize))
    return found


def parse(patch: bytes | Iterable[bytes]) -> list[FileChange]:
    """The changes of a patch, given whole or in pieces as git writes it (split anywhere)."""
    return list(changes(patch))


def changes(patch: bytes | Iterable[bytes]) -> Iterator[FileChange]:
    """`parse`, a change at a time: each as soon as the pieces read so far hold all of it."""
    return _changes(_Lines([patch] if isinstance(patch, bytes) else patch))


class _Lines:
    """The lines of a patch that comes in pieces, without their newlines, one piece's lines
    held at a time. Hunk bodies are skipped a piece at a time, not line by line: an initial
    commit's patch is all hunk body (1.6 million lines for git/git's tree)."""

    __slots__ = ("_lines", "_next", "_pending", "_pieces")

    def __init__(self, pieces: Iterable[bytes]) -> None:
        self._pieces = iter(pieces)
        self._lines: list[bytes] = []
        self._next = 0
        self._pending = b""  # the start of a line the next piece goes on with

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> bytes:
        if self._next >= len(self._lines) and not self._fill():
            raise StopIteration
        line = self._lines[self._next]
        self._next += 1
        return line

    def _fill(self) -> bool:
        """The next whole lines from the pieces; False when there are none left."""
        parts = [self._pending]  # a line longer than a piece: joined once, when it ends
        for piece in self._pieces:
            parts.append(piece)
            if b"\n" in piece:
                lines = b"".join(parts).split(b"\n")
                self._pending = lines.pop()
                self._lines, self._next = lines, 0
                return True
        last = b"".join(parts)  # the end of a patch that does not end with a newline
        self._pending = b""
        self._lines, self._next = ([last] if last else []), 0
        return bool(last)

    def skip(self, count: int) -> None:
        """Pass over `count` lines of a hunk; "\\ No newline at end of file" is not one."""
        while count > 0:
            if self._next >= len(self._lines) and not self._fill():
                return
            taken = self._lines[self._next : self._next + count]
            self._next += len(taken)
            count -= len(taken) - (b"\n" + b"\n".join(taken)).count(b"\n\\")


def _changes(lines: _Lines) -> Iterator[FileChange]:
    commit = ""
    part = 0
    current: FileChange | None = None
    for line in lines:
        if line.startswith(COMMIT_MARKER):
            commit = line[len(COMMIT_MARKER) :].decode().strip()
            part += 1
        elif line.startswith(b"diff --git "):
            if current is not None:
                yield current
            current = FileChange(path="", commit=commit, part=part)
        elif current is None:
            continue
        elif line.startswith(b"@@ "):
            old_count, start, new_count = _hunk_header(line)
            if new_count:
                current.added.append((start, start + new_count - 1))
            lines.skip(old_count + new_count)
        else:
            _header_line(current, line)
    if current is not None:
        yield current


def common(patches: Sequence[Sequence[FileChange]]) -> list[FileChange]:
    """What a merge adds that none of its parents had: one patch against each parent, and of
    each file the lines every patch adds (a file absent from one patch is that parent's)."""
    if not patches:
        return []
    others = [{change.path: change for change in patch} for patch in patches[1:]]
    found: list[FileChange] = []
    for change in patches[0]:
        matching = [other.get(change.path) for other in others]
        if any(other is None for other in matching):
            continue
        added = change.added
        for other in matching:
            assert other is not None
            added = _intersection(added, other.added)
        merged = FileChange(change.path, change.commit, change.part)
        merged.blob, merged.old_blob, merged.mode = change.blob, change.old_blob, change.mode
        merged.added = added
        merged.binary = change.binary and all(o is not None and o.binary for o in matching)
        found.append(merged)
    return found


def _intersection(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Line ranges in both (each list sorted, inclusive ranges)."""
    both: list[tuple[int, int]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start <= end:
            both.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return both


def _header_line(change: FileChange, line: bytes) -> None:
    if line.startswith(b"index "):
        ids, _, mode = line[6:].partition(b" ")
        old, _, new = ids.partition(b"..")
        change.blob, change.old_blob = new.decode(), old.decode()
        if mode:
            change.mode = mode.decode()
    elif line.startswith((b"new file mode ", b"new mode ")):
        change.mode = line.rsplit(b" ", 1)[1].decode()
    elif line.startswith(b"+++ "):
        # git ends the line with a tab when the name has a space (a tab itself would be quoted)
        target = line[4:].removesuffix(b"\t")
        if target != b"/dev/null":
            change.path = unquote(target)[2:]  # drop the forced "b/" prefix
    elif line.startswith(b"rename to "):
        change.path = unquote(line[10:])
    elif line.startswith(b"Binary files ") and line.endswith(b" differ"):
        change.binary = True
        target = line[: -len(b" differ")].rpartition(b" and ")[2]
        if target != b"/dev/null":
            change.path = unquote(target)[2:]


def _hunk_header(line: bytes) -> tuple[int, int, int]:
    """'@@ -a,b +c,d @@' -> (b, c, d); an omitted count is 1."""
    old, new = line.split(b" ")[1:3]
    old_count = int(old.partition(b",")[2] or 1)
    start, _, count = new[1:].partition(b",")
    return old_count, int(start), int(count or 1)


_ESCAPES = {
    ord("a"): 7,
    ord("b"): 8,
    ord("t"): 9,
    ord("n"): 10,
    ord("v"): 11,
    ord("f"): 12,
    ord("r"): 13,
    ord('"'): 34,
    ord("\\"): 92,
}


def unquote(raw: bytes) -> str:
    """A path as git prints it: C-quoted (with octal bytes) when it holds unusual characters."""
    if not (raw.startswith(b'"') and raw.endswith(b'"')):
        return raw.decode("utf-8", "surrogateescape")
    out = bytearray()
    body, index = raw[1:-1], 0
    while index < len(body):
        byte = body[index]
        if byte != 92:  # backslash
            out.append(byte)
            index += 1
        elif body[index + 1 : index + 2].isdigit():
            out.append(int(body[index + 1 : index + 4], 8))
            index += 4
        else:
            out.append(_ESCAPES.get(body[index + 1], body[index + 1]))
            index += 2
    return out.decode("utf-8", "surrogateescape")
