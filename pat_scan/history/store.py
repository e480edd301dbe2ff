"""`pat-scan history --incremental`: which blobs and commit messages were already scanned, and
what was found in them, so the next run reads only what is new.

It lives in the repository's common git dir (`pat-scan/history.sqlite`, shared by worktrees) and
is derived data: keyed by everything that decides findings (rule packs, size limit, allowlists),
wiped when that key changes, rebuilt when it cannot be read. It never holds a secret: a finding
is kept as its rule, fingerprint, position, confidence, suppression reason and redacted prefix.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from pat_scan import fingerprints
from pat_scan.errors import PatScanError
from pat_scan.findings import Finding
from pat_scan.rules import Rule

SCHEMA = 4  # 2: walk positions; 3: fingerprints version 2; 4: why_low (older are rebuilt)
_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE blobs (oid TEXT PRIMARY KEY, skipped TEXT) WITHOUT ROWID;
CREATE TABLE commits (sha TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE findings (
    source TEXT NOT NULL,  -- a blob id, or a commit id for a commit message
    rule_id TEXT NOT NULL, fingerprint TEXT NOT NULL, prefix TEXT NOT NULL,
    line INTEGER NOT NULL, col INTEGER NOT NULL, end_line INTEGER NOT NULL,
    end_col INTEGER NOT NULL, confidence TEXT NOT NULL, suppressed TEXT, why_low TEXT
);
CREATE INDEX findings_source ON findings (source);
CREATE TABLE intros (
    revisions TEXT NOT NULL, oid TEXT NOT NULL, sha TEXT NOT NULL, author TEXT NOT NULL,
    email TEXT NOT NULL, position INTEGER NOT NULL, date TEXT NOT NULL, path TEXT NOT NULL,
    PRIMARY KEY (revisions, oid)
) WITHOUT ROWID;
"""


# Bound parameters in one `IN (...)`: well under SQLite's limit (999 before 3.32).
_SOURCES_PER_QUERY = 500


class Stored(NamedTuple):
    """A finding as the store keeps it: everything but the secret."""

    rule_id: str
    fingerprint: str
    prefix: str  # what `redact` keeps of the secret (without the ellipsis)
    line: int
    column: int
    end_line: int
    end_column: int
    confidence: str
    suppressed: str | None
    why_low: str | None


class Intro(NamedTuple):
    """The first commit that added a blob, and the path it had there."""

    sha: str
    author: str
    email: str
    position: int  # in the history walk, parents before children: orders "first"
    date: str
    path: str


def location(common_git_dir: Path) -> Path:
    return common_git_dir / "pat-scan" / "history.sqlite"


def key(
    rules_fingerprint: str,
    max_size: int,
    allow: Sequence[str],
    stopwords: Sequence[str],
    *,
    foreign_markers: bool = True,
) -> str:
    # The fingerprint scheme too: stored fingerprints made under another organisation key
    # could never match this run's baseline.
    parts = [str(SCHEMA), fingerprints.scheme(), rules_fingerprint, str(max_size), *allow]
    parts += ["\0", *stopwords]
    if not foreign_markers:  # suppression reasons are stored: other markers, other findings
        parts.append("\0no-foreign-markers")
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def stored(finding: Finding) -> Stored:
    return Stored(
        finding.rule.id,
        finding.fingerprint,
        finding.preview[:-1],
        finding.line,
        finding.column,
        finding.end_line,
        finding.end_column,
        finding.confidence,
        finding.suppressed,
        finding.why_low,
    )


class Store:
    def __init__(self, path: Path, store_key: str) -> None:
        self.path = path
        self._db = _open(path, store_key)

    def close(self) -> None:
        self._db.commit()
        self._db.close()

    def known_blobs(self, oids: list[str]) -> set[str]:
        """Those of `oids` scanned before (a batch at a time: the store may hold millions)."""
        found: set[str] = set()
        for i in range(0, len(oids), _SOURCES_PER_QUERY):
            batch = oids[i : i + _SOURCES_PER_QUERY]
            query = f"SELECT oid FROM blobs WHERE oid IN ({', '.join('?' * len(batch))})"
            found.update(row[0] for row in self._db.execute(query, batch))
        return found

    def commit_ids(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT sha FROM commits")}

    def empty(self) -> bool:
        """Nothing scanned yet: a first run, which needs everything a plain run does."""
        return self._db.execute("SELECT 1 FROM blobs LIMIT 1").fetchone() is None

    def findings(self, sources: Iterable[str]) -> dict[str, list[Stored]]:
        """The stored findings of each of `sources` that has any, in the order they were added
        (sources too: by their first finding). Looked up through the `findings_source` index."""
        wanted = list(dict.fromkeys(sources))
        rows: list[tuple[Any, ...]] = []
        for i in range(0, len(wanted), _SOURCES_PER_QUERY):
            batch = wanted[i : i + _SOURCES_PER_QUERY]
            rows += self._db.execute(
                "SELECT rowid, source, rule_id, fingerprint, prefix, line, col, end_line, end_col,"
                " confidence, suppressed, why_low FROM findings"
                f" WHERE source IN ({', '.join('?' * len(batch))})",
                batch,
            )
        rows.sort(key=lambda row: row[0])  # rowid: the order a scan of the whole table gives
        found: dict[str, list[Stored]] = {}
        for _, source, *fields in rows:
            found.setdefault(source, []).append(Stored(*fields))
        return found

    def add_blobs(self, scanned: Iterable[tuple[str, str | None]]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO blobs VALUES (?, ?)", scanned)

    def add_commits(self, shas: Iterable[str]) -> None:
        self._db.executemany("INSERT OR IGNORE INTO commits VALUES (?)", ((s,) for s in shas))

    def add_findings(self, source: str, found: Iterable[Stored]) -> None:
        self._db.executemany(
            "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((source, *row) for row in found),
        )

    def intros(self, revisions: str) -> dict[str, Intro]:
        rows = self._db.execute(
            "SELECT oid, sha, author, email, position, date, path FROM intros WHERE revisions = ?",
            (revisions,),
        )
        return {oid: Intro(*rest) for oid, *rest in rows}

    def set_intros(self, revisions: str, intros: dict[str, Intro]) -> None:
        self._db.execute("DELETE FROM intros WHERE revisions = ?", (revisions,))
        self._db.executemany(
            "INSERT INTO intros VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            ((revisions, oid, *intro) for oid, intro in intros.items()),
        )

    def commit(self) -> None:
        self._db.commit()


def _open(path: Path, store_key: str) -> sqlite3.Connection:
    """The store for `store_key`: created, wiped (other key) or rebuilt (unreadable). Something
    else in its place that pat-scan did not make (a directory) is never deleted: a clear error."""
    if path.is_dir() or path.is_symlink():
        raise PatScanError(
            f"{path} is a {'directory' if path.is_dir() else 'symlink'}, not pat-scan's history "
            "store: move it away, or run without --incremental"
        )
    try:
        return _connect(path, store_key)
    except (OSError, sqlite3.Error) as exc:  # an unwritable or full git dir
        reason = getattr(exc, "strerror", None) or str(exc)
        raise PatScanError(
            f"{path}: cannot write the history store ({reason}); run without --incremental"
        ) from None


def _connect(path: Path, store_key: str) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        db = sqlite3.connect(path)
        if db.execute("PRAGMA quick_check").fetchone() != ("ok",):
            raise sqlite3.DatabaseError("integrity check failed")
        row = db.execute("SELECT value FROM meta WHERE key = 'key'").fetchone()
        if row == (store_key,):
            return _fast(db)
        db.close()
    except sqlite3.Error:
        with contextlib.suppress(NameError, sqlite3.Error):
            db.close()
    for stale in _files(path):
        stale.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(_TABLES)
    db.execute("INSERT INTO meta VALUES ('key', ?)", (store_key,))
    db.commit()
    return _fast(db)


def _fast(db: sqlite3.Connection) -> sqlite3.Connection:
    """Commits appended to a write-ahead log, which the disk is made to hold only at
    checkpoints: the default journal's syncs made the first incremental run of pytest's history
    spend 3.6 s in 170 commits (one a chunk, then). A commit is still all or nothing; a power
    cut may lose the last ones (their blobs are scanned again next run), never keep blobs
    without their findings."""
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    return db


def _files(path: Path) -> Iterator[Path]:
    yield path
    for suffix in ("-journal", "-wal", "-shm"):
        yield path.with_name(path.name + suffix)


def rebuild(row: Stored, rule: Rule, path: str) -> Finding:
    """A finding from the store: its fingerprint, and only the redacted preview of its secret."""
    return Finding(
        rule=rule,
        path=path,
        line=row.line,
        column=row.column,
        end_line=row.end_line,
        end_column=row.end_column,
        secret=row.prefix + "…",
        confidence=row.confidence,
        line_text="",
        suppressed=row.suppressed,
        why_low=row.why_low,
        stored=row.fingerprint,
    )
