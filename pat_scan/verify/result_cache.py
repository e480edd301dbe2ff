"""Verification results cached for a while, keyed by finding fingerprint and provider URL:
a rerun within the lifetime asks no provider again. The cache holds the record (never the
secret: the fingerprint is a hash) in one entry of pat-scan's cache directory."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Mapping

from pat_scan import cache
from pat_scan.verify import record
from pat_scan.verify.record import Verification

NAME = "verify-results.json"
# Only answers that stay true for a while are kept; "unknown" is asked again next time.
KEPT = (record.ACTIVE, record.REVOKED, record.INVALID)


def key(fingerprint: str, base_url: str) -> str:
    return hashlib.sha256(f"{fingerprint}\0{base_url}".encode()).hexdigest()[:32]


def load(ttl: int) -> dict[str, Verification]:
    """The entries younger than `ttl` seconds; any entry that fails to read is dropped."""
    if ttl <= 0:
        return {}
    document = cache.read_json(NAME)
    found: dict[str, Verification] = {}
    if not isinstance(document, dict):
        return found
    oldest = time.time() - ttl
    for name, entry in document.items():
        try:
            if float(entry["stored"]) >= oldest:
                found[name] = record.from_json(entry["record"])._replace(cached=True)
        except (KeyError, TypeError, ValueError):
            continue
    return found


def store(ttl: int, fresh: Mapping[str, Verification], kept: Iterable[str] = ()) -> None:
    """Add `fresh` results; keep the still-young entries `kept` names, drop the rest."""
    if ttl <= 0 or not fresh:
        return
    document = cache.read_json(NAME)
    previous = document if isinstance(document, dict) else {}
    entries = {name: previous[name] for name in kept if name in previous}
    now = time.time()
    for name, result in fresh.items():
        if result.status in KEPT:
            entries[name] = {"stored": now, "record": record.to_json(result)}
    cache.write_json(NAME, entries)
