"""The baseline: known findings that are accepted, so adopting pat-scan needs no history rewrite.

An entry is a rule id, the finding's fingerprint (a hash of rule and secret, never the secret)
and a path relative to the repository root, or "*" for any path. No line numbers, timestamps or
commit ids: an entry survives moved lines, edits elsewhere in the file, rebases and squashes, and
the file does not churn. Only `pat-scan baseline ...` writes it; scans and the hook only read it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from pat_scan.errors import ConfigError
from pat_scan.findings import Finding, InFile

DEFAULT_NAME = ".pat-scan-baseline.json"
FORMAT_VERSION = 1
ANY_PATH = "*"


class Entry(NamedTuple):
    rule: str
    fingerprint: str
    path: str  # relative to the repository root, POSIX; ANY_PATH matches every path

    def __str__(self) -> str:  # as listed when stale or pruned: no secret, a short fingerprint
        return f"{self.path}: {self.rule} {self.fingerprint[:12]}"


def load(path: Path) -> tuple[Entry, ...]:
    """Read and validate a baseline file's entries; errors name the file and the problem (exit
    2)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(str(path), None, f"cannot read baseline: {exc.strerror}") from None
    except ValueError:
        raise ConfigError(str(path), None, "not a pat-scan baseline (invalid JSON)") from None
    if not isinstance(document, dict) or document.get("version") != FORMAT_VERSION:
        raise ConfigError(
            str(path), "version", f"expected a pat-scan baseline version {FORMAT_VERSION}"
        )
    raw = document.get("entries")
    if not isinstance(raw, list):
        raise ConfigError(str(path), "entries", "must be a list")
    return tuple(_entry(path, item) for item in raw)


def _entry(path: Path, item: object) -> Entry:
    if not isinstance(item, dict) or set(item) != {"rule", "fingerprint", "path"}:
        raise ConfigError(str(path), "entries", "each entry has exactly: rule, fingerprint, path")
    if not all(isinstance(item[k], str) and item[k] for k in ("rule", "fingerprint", "path")):
        raise ConfigError(str(path), "entries", "rule, fingerprint and path are non-empty strings")
    return Entry(item["rule"], item["fingerprint"], item["path"])


def save(path: Path, entries: Iterable[Entry]) -> None:
    """Sorted and de-duplicated, so the same findings always give the same bytes."""
    document = {
        "version": FORMAT_VERSION,
        "generated_by": "pat-scan",
        "entries": [e._asdict() for e in sorted(set(entries))],
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def recorded(data: bytes) -> frozenset[str]:
    """What a baseline file records (pat-scan's fingerprints, detect-secrets' hashed secrets,
    the parts of a .gitleaksignore line): findings of these values in it are its entries, not
    secrets; anything else in the file is scanned like any text."""
    text = data.decode("utf-8", "replace")
    try:
        document = json.loads(text)
    except ValueError:  # .gitleaksignore: one fingerprint a line, file:rule:line
        return frozenset(part for line in text.splitlines() for part in line.strip().split(":"))
    values: set[str] = set()
    entries = document.get("entries") if isinstance(document, dict) else None
    for item in entries if isinstance(entries, list) else []:
        if isinstance(item, dict):
            values.update(str(v) for v in item.values())
    results = document.get("results") if isinstance(document, dict) else None
    for items in results.values() if isinstance(results, dict) else []:
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("hashed_secret"), str):
                values.add(item["hashed_secret"])
    return frozenset(values)


def without_entries(found: list[Finding], data: bytes) -> list[Finding]:
    """A baseline file's findings, those of its own entries suppressed as such."""
    entries = recorded(data)
    return [f._replace(suppressed="baseline entry") if f.secret in entries else f for f in found]


def entry_for(finding: Finding, root: Path, any_path: bool = False) -> Entry:
    path = ANY_PATH if any_path else repository_path(finding, root)
    return Entry(finding.rule.id, finding.fingerprint, path)


def repository_path(finding: Finding, root: Path) -> str:
    """Where the finding is, relative to the repository root: a file's path is relative to the
    current directory, a commit's is the repository's already."""
    return root_relative(finding.path, root) if isinstance(finding.origin, InFile) else finding.path


def root_relative(path: str, root: Path) -> str:
    """A path relative to the current directory, made relative to the repository root."""
    if path == "-":
        return path
    return Path(os.path.relpath(os.path.abspath(path), root)).as_posix()


def apply(
    findings: Sequence[Finding], entries: Sequence[Entry], root: Path, scope: set[str] | None
) -> tuple[list[Finding], list[Finding], list[Entry]]:
    """(still reported, suppressed as baselined, stale entries).

    `scope` says which entries this run can judge stale: None for a full scan (all of them), or
    the root-relative paths it scanned whole (an empty set for the hook, which only looks at
    added lines, and for a history, which keeps old versions)."""
    reported, baselined, used = split(findings, entries, root)
    return reported, baselined, stale(entries, used, scope)


def split(
    findings: Sequence[Finding], entries: Sequence[Entry], root: Path
) -> tuple[list[Finding], list[Finding], set[Entry]]:
    """(still reported, suppressed as baselined, entries that matched something)."""
    reported: list[Finding] = []
    baselined: list[Finding] = []
    used: set[Entry] = set()
    by_identity: dict[tuple[str, str], list[Entry]] = {}
    for entry in entries:
        by_identity.setdefault((entry.rule, entry.fingerprint), []).append(entry)
    for finding in findings:
        path = repository_path(finding, root)
        identity = (finding.rule.id, finding.fingerprint)  # a hash: computed once a finding
        hits = [e for e in by_identity.get(identity, ()) if e.path in (ANY_PATH, path)]
        if hits:
            used.update(hits)
            baselined.append(finding._replace(suppressed="baseline"))
        else:
            reported.append(finding)
    return reported, baselined, used


def stale(entries: Sequence[Entry], used: set[Entry], scanned: set[str] | None) -> list[Entry]:
    """Entries that matched nothing. With `scanned` (root-relative paths of a partial scan, such
    as the hook's), only entries for those paths can be judged; a full scan judges them all."""
    return [e for e in entries if e not in used and (scanned is None or e.path in scanned)]
