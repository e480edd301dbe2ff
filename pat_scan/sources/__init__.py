"""Where bytes come from. Each source yields `Blob`s: a display path and its content, or why it
was skipped, so that nothing is dropped without being counted."""

from __future__ import annotations

from typing import NamedTuple

BINARY_PROBE = 8192
DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024


class Blob(NamedTuple):
    path: str  # relative POSIX path as shown to the user
    data: bytes = b""
    skipped: str | None = None  # 'binary', 'too large', 'not UTF-8', 'unreadable', ...


def classify(data: bytes) -> str | None:
    """Why content cannot be scanned as text, or None."""
    if b"\0" in data[:BINARY_PROBE]:
        return "binary"
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return "not UTF-8"
    return None


def from_bytes(path: str, data: bytes, max_size: int) -> Blob:
    if len(data) > max_size:
        return Blob(path, skipped="too large")
    reason = classify(data)
    return Blob(path, skipped=reason) if reason else Blob(path, data)
