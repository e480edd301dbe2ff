"""The baseline: known findings that are accepted, so adopting pat-scan needs no history rewrite.

An entry is a rule id, the finding's fingerprint (a hash of rule and secret, never the secret)
and a path relative to the repository root, or "*" for any path. No line numbers, timestamps or
commit ids: an entry survives moved lines, edits elsewhere in the file, rebases and squashes, and
the file does not churn. Only `pat-scan baseline ...` writes it; scans and the hook only read it.

Version 2 holds version 2 fingerprints (pat_scan.fingerprints) and says how they were made
(`fingerprints`: '2', or '2+key:<key id>' under an organisation key). A version 1 file still
matches: its entries are compared with version 1 fingerprints computed in memory, and the
next `pat-scan baseline create|update|prune` writes version 2, converting every entry that
matches a finding (one that matches nothing stays a version 1 entry until pruned).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from pat_scan import fingerprints
from pat_scan.errors import ConfigError, UsageError, redact_secrets
from pat_scan.findings import Finding, InFile, fingerprint_all

DEFAULT_NAME = ".pat-scan-baseline.json"
FORMAT_VERSION = 2
ANY_PATH = "*"


class Entry(NamedTuple):
    rule: str
    fingerprint: str
    path: str  # relative to the repository root, POSIX; ANY_PATH matches every path
    legacy: bool = False  # a version 1 fingerprint (sha256 of rule and secret)

    def __str__(self) -> str:
        """As listed when stale or pruned: a short fingerprint, and the path and rule redacted
        (a hand-edited file may hold anything there)."""
        return redact_secrets(f"{self.path}: {self.rule} {self.fingerprint[:12]}")

    def as_json(self) -> dict[str, object]:
        """As the file and the JSON report hold it: a version 1 entry says so."""
        item: dict[str, object] = {"rule": self.rule, "fingerprint": self.fingerprint}
        item["path"] = self.path
        if self.legacy:
            item["version"] = 1
        return item


class Baseline(NamedTuple):
    entries: tuple[Entry, ...]
    notices: tuple[str, ...]  # what the user should do about the file (shown once a run)


def load(path: Path) -> tuple[Entry, ...]:
    """Read and validate a baseline file's entries; errors name the file and the problem (exit
    2)."""
    return read(path).entries


def read(path: Path) -> Baseline:
    """The file's entries, and what to tell the user: how to migrate a version 1 file, or that
    it was made under another organisation key than this run's."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(str(path), None, f"cannot read baseline: {exc.strerror}") from None
    except ValueError:
        raise ConfigError(str(path), None, "not a pat-scan baseline (invalid JSON)") from None
    version = document.get("version") if isinstance(document, dict) else None
    if version not in (1, FORMAT_VERSION):
        raise ConfigError(
            str(path), "version", f"expected a pat-scan baseline version 1 or {FORMAT_VERSION}"
        )
    raw = document.get("entries")
    if not isinstance(raw, list):
        raise ConfigError(str(path), "entries", "must be a list")
    entries = tuple(_entry(path, item, version == 1) for item in raw)
    notices = []
    if any(e.legacy for e in entries):
        notices.append(
            f"{path} holds version 1 fingerprints, which a dictionary can reverse for guessable "
            "secrets: run `pat-scan baseline update` (or `prune`) to rewrite it as version 2, "
            "and commit it"
        )
    made_by = document.get("fingerprints", str(FORMAT_VERSION))
    if version == FORMAT_VERSION and made_by != fingerprints.scheme():
        notices.append(
            f"{path} was written with {fingerprints.describe(str(made_by))}, this run has "
            f"{fingerprints.describe(fingerprints.scheme())}: its entries cannot match"
        )
    return Baseline(entries, tuple(notices))


def _entry(path: Path, item: object, legacy: bool) -> Entry:
    """An entry of the file; in version 2, one that could not be converted yet is marked
    `"version": 1`."""
    fields = {"rule", "fingerprint", "path"}
    if isinstance(item, dict) and not legacy and item.get("version") == 1:
        item, legacy = {k: v for k, v in item.items() if k != "version"}, True
    if not isinstance(item, dict) or set(item) != fields:
        raise ConfigError(str(path), "entries", "each entry has exactly: rule, fingerprint, path")
    if not all(isinstance(item[k], str) and item[k] for k in ("rule", "fingerprint", "path")):
        raise ConfigError(str(path), "entries", "rule, fingerprint and path are non-empty strings")
    return Entry(item["rule"], item["fingerprint"], item["path"], legacy)


def save(path: Path, entries: Iterable[Entry], root: Path) -> None:
    """Sorted and de-duplicated, so the same findings always give the same bytes. Written only
    inside the repository at `root`, never through a symlink, and atomically (a temporary file
    in the same folder, renamed over the old one): a failed write leaves the old file whole."""
    import tempfile

    _check_writable(path, root)
    document = {
        "version": FORMAT_VERSION,
        "generated_by": "pat-scan",
        "fingerprints": fingerprints.scheme(),
        "entries": [e.as_json() for e in sorted(set(entries))],
    }
    text = json.dumps(document, indent=2) + "\n"
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".pat-scan-baseline-", suffix=".tmp")
    except OSError as exc:
        raise ConfigError(str(path), None, f"cannot write baseline: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise ConfigError(str(path), None, f"cannot write baseline: {exc.strerror}") from None


def _check_writable(path: Path, root: Path) -> None:
    """A usage error for a baseline outside the repository (`baseline: ../x`) or one that is a
    symlink (a committed link would be written through, to wherever it points)."""
    if path.is_symlink():
        raise UsageError(f"{path}: refusing to write a baseline through a symlink")
    try:
        Path(os.path.abspath(path)).parent.resolve().relative_to(root.resolve())
    except ValueError:
        raise UsageError(
            f"{path}: refusing to write a baseline outside the repository ({root})"
        ) from None


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
    for finding, hits in matches(findings, entries, root):
        if hits:
            used.update(hits)
            baselined.append(finding._replace(suppressed="baseline"))
        else:
            reported.append(finding)
    return reported, baselined, used


def matches(
    findings: Sequence[Finding], entries: Sequence[Entry], root: Path
) -> Iterable[tuple[Finding, list[Entry]]]:
    """Each finding with the entries that accept it (version 1 entries by the version 1
    fingerprint, computed in memory only when the baseline has such entries)."""
    by_identity: dict[tuple[str, str, bool], list[Entry]] = {}
    for entry in entries:
        by_identity.setdefault((entry.rule, entry.fingerprint, entry.legacy), []).append(entry)
    legacy = any(entry.legacy for entry in entries)
    fingerprint_all(findings)
    for finding in findings:
        path = repository_path(finding, root)
        candidates = by_identity.get((finding.rule.id, finding.fingerprint, False), [])
        if legacy and not finding.stored:  # a stored finding keeps no secret to hash again
            old = fingerprints.legacy_identity(finding.rule.id, finding.secret)
            candidates = candidates + by_identity.get((finding.rule.id, old, True), [])
        yield finding, [e for e in candidates if e.path in (ANY_PATH, path)]


def converted(
    findings: Sequence[Finding], entries: Sequence[Entry], root: Path
) -> dict[Entry, Entry]:
    """Version 1 entries that match a finding -> the version 2 entry for it."""
    found: dict[Entry, Entry] = {}
    for finding, hits in matches(findings, entries, root):
        for entry in hits:
            if entry.legacy:
                found[entry] = Entry(entry.rule, finding.fingerprint, entry.path)
    return found


def stale(entries: Sequence[Entry], used: set[Entry], scanned: set[str] | None) -> list[Entry]:
    """Entries that matched nothing. With `scanned` (root-relative paths of a partial scan, such
    as the hook's), only entries for those paths can be judged; a full scan judges them all."""
    return [e for e in entries if e not in used and (scanned is None or e.path in scanned)]
