"""Where bytes come from. Each source yields `Blob`s: a display path and its content, or why it
could not be read, so that nothing is dropped without being counted. Whether the bytes are text
is the content stage's to say."""

from __future__ import annotations

from typing import NamedTuple

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024


class Blob(NamedTuple):
    path: str  # relative POSIX path as shown to the user
    data: bytes = b""
    skipped: str | None = None  # 'too large', 'unreadable', 'excluded', ...


def from_bytes(path: str, data: bytes, max_size: int) -> Blob:
    return Blob(path, skipped="too large") if len(data) > max_size else Blob(path, data)
