"""The user cache directory: derived data only, always safe to delete.

Every entry is keyed by a hash of what it was derived from, so a stale entry is never read; a
corrupt one fails its own check and is rebuilt. Writes are atomic, and a cache that cannot be
written is skipped for the rest of the run. Each write keeps the newest KEEP entries, so rule
edits and upgrades do not pile up databases nobody will read again.

pat-scan writes only inside a `pat-scan` folder of the cache directory ($PAT_SCAN_CACHE_DIR,
else $XDG_CACHE_HOME, else ~/.cache), and deletes only files there whose names have the shape
of its own entries (`ENTRY`) or of its own temporary files: a cache directory shared with other
files never loses one of them. When that folder cannot be written (a read-only or full home, no
home at all), entries go to a private folder in the temporary directory instead, so the hook
does not pay for compiling every rule on every commit (seconds instead of a tenth of one).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import time
from pathlib import Path
from typing import Any, NamedTuple

KEEP = 64
FOLDER = "pat-scan"
# The names pat-scan gives its entries ('rules-<hash>.json', 'hs-<hash>-general-...db').
ENTRY = re.compile(r"[a-z][a-z0-9]*(?:-[A-Za-z0-9._]+)*\.(?:db|json|bin)")
_TEMPORARY = re.compile(r"\.tmp-pat-scan-[A-Za-z0-9_]+")
_ABANDONED = 600  # seconds after which a temporary file is a crashed writer's, not a live one's
_failed: set[Path] = set()  # folders a write failed in during this run: not tried again


def directory() -> Path:
    """Where entries are written: the `pat-scan` folder of $PAT_SCAN_CACHE_DIR, else of an
    absolute $XDG_CACHE_HOME (the XDG rule: a relative one is ignored), else ~/.cache/pat-scan;
    without a usable home, the private temporary folder."""
    return _configured() or fallback()


def _configured() -> Path | None:
    """The cache directory the environment names; None for an empty or relative HOME, which is
    no home (it once put the cache in /.cache or in the current directory)."""
    override = os.environ.get("PAT_SCAN_CACHE_DIR")
    if override:
        return Path(override, FOLDER)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        return Path(xdg, FOLDER)
    home = os.environ.get("HOME")
    if home is None:  # unset: the password database's (expanduser keeps '~' if it has none)
        home = os.path.expanduser("~")
    return Path(home, ".cache", FOLDER) if os.path.isabs(home) else None


def fallback() -> Path:
    """The private folder used when the cache directory cannot be written."""
    import tempfile

    owner = getattr(os, "getuid", lambda: "user")()
    return Path(tempfile.gettempdir(), f"pat-scan-{owner}")


def _private(create: bool) -> Path | None:
    """The fallback folder if it is ours alone: a directory (not a link) that this user owns and
    nobody else can write, since its entries are loaded as compiled code's data."""
    folder = fallback()
    try:
        if create:
            folder.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return None
    owner = getattr(os, "getuid", lambda: info.st_uid)()
    private = not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    return folder if stat.S_ISDIR(info.st_mode) and info.st_uid == owner and private else None


def read_bytes(name: str) -> bytes | None:
    """The entry's payload if it exists and its checksum holds: from the cache directory, else
    from the fallback folder (a miss only: the hook's usual read never looks there)."""
    primary = _configured()
    payload = None if primary is None else _read(primary / name)
    if payload is None:
        folder = _private(create=False)
        if folder is not None and folder != primary:
            payload = _read(folder / name)
    return payload


def _read(path: Path) -> bytes | None:
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    digest, payload = blob[:32], blob[32:]
    return payload if hashlib.sha256(payload).digest() == digest else None


def write_bytes(name: str, payload: bytes) -> None:
    """Store an entry in the cache directory, else in the fallback folder; a folder that could
    not take a write (read-only, full) is not tried again in this run."""
    if not ENTRY.fullmatch(name):
        raise ValueError(f"not a cache entry name: {name!r}")
    primary = _configured()
    if primary is not None and primary not in _failed:
        if _write(primary, name, payload):
            return
        _failed.add(primary)
    folder = _private(create=True)
    if folder is None or folder == primary or folder in _failed:
        return
    if not _write(folder, name, payload):
        _failed.add(folder)


def _write(folder: Path, name: str, payload: bytes) -> bool:
    import tempfile  # writes are rare (a cache miss); reads are on the hook's path

    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-pat-scan-")
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, folder / name)
    except OSError:  # a full disk: leave nothing behind
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return False
    _prune(folder)
    return True


def _prune(folder: Path) -> None:
    """Remove all but the KEEP most recently written entries, and temporary files a crashed
    writer left; nothing else in the folder is touched."""
    entries: list[tuple[float, Path]] = []
    abandoned = time.time() - _ABANDONED
    try:
        listing = list(os.scandir(folder))
    except OSError:
        return
    for item in listing:
        try:
            if not item.is_file(follow_symlinks=False):
                continue
            mtime = item.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        if ENTRY.fullmatch(item.name):
            entries.append((mtime, Path(item.path)))
        elif _TEMPORARY.fullmatch(item.name) and mtime < abandoned:
            Path(item.path).unlink(missing_ok=True)
    entries.sort(reverse=True)
    for _, stale in entries[KEEP:]:
        try:
            stale.unlink(missing_ok=True)
        except OSError:
            return


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


class Seal(NamedTuple):
    """Where and how an entry derived from secret-bearing bytes is kept (see `seal`)."""

    name: str
    key: bytes  # 32 bytes to authenticate the entry, 32 for its keystream


def seal(label: str, source: bytes) -> Seal:
    """The entry for a document parsed from `source` (a configuration file, which may hold a
    token in an allow list): its name and key come from a slow derivation of `source` itself
    (kdf.stretch), so the entry reveals nothing to whoever lacks the file, and testing guesses
    of the file against it costs what inverting a fingerprint does."""
    from pat_scan import kdf

    derived = kdf.stretch(source, salt=b"pat-scan cache\0" + label.encode(), size=80)
    return Seal(f"{label}-{derived[64:].hex()}.bin", derived[:64])


def read_sealed(entry: Seal) -> Any:
    """The document `write_sealed` kept, or None (absent, altered, or not JSON)."""
    blob = read_bytes(entry.name)
    if blob is None:
        return None
    tag, body = blob[:32], blob[32:]
    if hashlib.blake2b(body, key=entry.key[:32], digest_size=32).digest() != tag:
        return None
    try:
        return json.loads(_keystream(entry, body))
    except ValueError:
        return None


def write_sealed(entry: Seal, document: Any) -> None:
    """Keep `document` encrypted under the entry's key, authenticated."""
    try:
        body = _keystream(entry, json.dumps(document).encode())
    except (TypeError, ValueError):
        return
    tag = hashlib.blake2b(body, key=entry.key[:32], digest_size=32).digest()
    write_bytes(entry.name, tag + body)


def _keystream(entry: Seal, data: bytes) -> bytes:
    """`data` XOR SHAKE-256(key): one key per source's bytes, so a keystream is never reused
    for another document."""
    stream = hashlib.shake_256(entry.key[32:]).digest(len(data))
    mixed = int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")
    return mixed.to_bytes(len(data), "big")
