"""Where bytes come from. Each source yields `Blob`s: a display path and its content, or why it
could not be read, so that nothing is dropped without being counted. Whether the bytes are text
is the content stage's to say."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple

# The most a file's content is held in memory at once: a larger file is read and scanned in
# pieces of this size, not skipped.
DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024


class Blob(NamedTuple):
    path: str  # relative POSIX path as shown to the user
    data: bytes = b""  # the content, or with `pieces` its first piece
    skipped: str | None = None  # 'unreadable', 'excluded', 'symlink', ...
    # Content larger than the size limit: the rest of it, read a piece at a time.
    pieces: Callable[[], Iterator[bytes]] | None = None
    # A change git diffs as binary (UTF-16 text, say) has no added lines: what it replaced, so
    # that only findings it did not already hold are new.
    before: bytes | None = None
