"""Whether a file's bytes are text that can be scanned."""

from __future__ import annotations

BINARY_PROBE = 8192


def classify(data: bytes) -> str | None:
    """Why content cannot be scanned as text ('binary', 'not UTF-8'), or None."""
    if b"\0" in data[:BINARY_PROBE]:
        return "binary"
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return "not UTF-8"
    return None
