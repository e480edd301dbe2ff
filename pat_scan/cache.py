"""The user cache directory: derived data only, always safe to delete.

Every entry is keyed by a hash of what it was derived from, so a stale entry is never read; a
corrupt one fails its own check and is rebuilt. Writes are atomic, and a cache that cannot be
written is silently skipped: it only costs speed. Each write keeps the newest KEEP entries, so
rule edits and upgrades do not pile up databases nobody will read again.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

KEEP = 64


def directory() -> Path:
    override = os.environ.get("PAT_SCAN_CACHE_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pat-scan"


def read_bytes(name: str) -> bytes | None:
    """The entry's payload if it exists and its checksum holds."""
    try:
        blob = (directory() / name).read_bytes()
    except OSError:
        return None
    digest, payload = blob[:32], blob[32:]
    return payload if hashlib.sha256(payload).digest() == digest else None


def write_bytes(name: str, payload: bytes) -> None:
    import tempfile  # writes are rare (a cache miss); reads are on the hook's path

    folder = directory()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, folder / name)
        _prune(folder)
    except OSError:
        return


def _prune(folder: Path) -> None:
    """Remove all but the KEEP most recently written entries."""
    entries = sorted(folder.iterdir(), key=lambda path: path.stat().st_mtime, reverse=True)
    for stale in entries[KEEP:]:
        stale.unlink(missing_ok=True)


def read_json(name: str) -> Any:
    """The cached JSON document, or None (absent, or not JSON: rebuild it)."""
    payload = read_bytes(name)
    try:
        return None if payload is None else json.loads(payload)
    except ValueError:
        return None


def write_json(name: str, document: Any) -> None:
    """Cache `document`; one that is not plain data (JSON cannot hold it) is left uncached."""
    try:
        text = json.dumps(document)
    except (TypeError, ValueError):
        return
    write_bytes(name, text.encode())
