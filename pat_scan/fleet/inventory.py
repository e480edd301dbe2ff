"""The inventory: one SQLite file that records what each fleet run covered and found.

Per repository: the heads scanned, when, how long, the outcome (`scanned`, `unchanged` or
`failed` with its reason) and its findings, each a location of a secret (rule, fingerprint,
commit, path, position, redacted preview). A secret is one row however many repositories hold
it. It never holds a secret: the preview is the redacted prefix reports show.

Unlike a cache it is a record, so it is never wiped: a file of another schema, or one that
cannot be read, is an error. A run holds it exclusively (SQLite's exclusive locking), so two
runs cannot interleave their records; each repository's outcome is committed as it arrives, so
an interrupted or killed run loses nothing it had recorded.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from pat_scan.errors import UsageError
from pat_scan.fleet.repos import Repo
from pat_scan.fleet.work import FAILED, Located, Outcome

SCHEMA = 1
_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE runs (
    id INTEGER PRIMARY KEY, started REAL NOT NULL, finished REAL, driver TEXT NOT NULL,
    planned INTEGER NOT NULL, interrupted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE repositories (
    key TEXT PRIMARY KEY, name TEXT NOT NULL,
    run INTEGER NOT NULL,        -- the last run that covered it
    outcome TEXT NOT NULL,       -- scanned | unchanged | failed, in that run
    reason TEXT, detail TEXT,    -- why it failed
    attempts INTEGER NOT NULL,
    at REAL NOT NULL, seconds REAL NOT NULL, mirror_seconds REAL NOT NULL,
    scan_seconds REAL NOT NULL, worker TEXT NOT NULL, files INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    digest TEXT,                 -- heads and setup of its last good scan: equal means unchanged
    good_run INTEGER             -- the last run that scanned it or found it unchanged
) WITHOUT ROWID;
CREATE TABLE heads (
    repository TEXT NOT NULL, ref TEXT NOT NULL, oid TEXT NOT NULL,
    PRIMARY KEY (repository, ref)
) WITHOUT ROWID;
CREATE TABLE secrets (
    fingerprint TEXT PRIMARY KEY, rule_id TEXT NOT NULL, preview TEXT NOT NULL,
    first_run INTEGER NOT NULL, first_seen REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE locations (
    repository TEXT NOT NULL, fingerprint TEXT NOT NULL, rule_id TEXT NOT NULL,
    preview TEXT NOT NULL, path TEXT NOT NULL, line INTEGER NOT NULL, col INTEGER NOT NULL,
    end_line INTEGER NOT NULL, end_col INTEGER NOT NULL, confidence TEXT NOT NULL, note TEXT,
    sha TEXT, author TEXT, email TEXT, date TEXT, at_head INTEGER, occurrences INTEGER,
    in_message INTEGER NOT NULL,
    first_run INTEGER NOT NULL,  -- the run that first found this secret in this repository
    PRIMARY KEY (repository, fingerprint)
) WITHOUT ROWID;
CREATE INDEX locations_fingerprint ON locations (fingerprint);
"""
_LOCATION_FIELDS = (  # in the order of Located's fields
    "rule_id, fingerprint, preview, path, line, col, end_line, end_col, confidence, note, sha,"
    " author, email, date, at_head, occurrences, in_message"
)


class Known(NamedTuple):
    """What the inventory knows of a repository before this run."""

    digest: str | None  # of its last good scan


class Count(NamedTuple):
    outcome: str
    reason: str | None
    repositories: int


class Secret(NamedTuple):
    fingerprint: str
    rule_id: str
    preview: str
    repositories: int  # how many of this run's repositories hold it


class Place(NamedTuple):
    """One location of a secret, with the repository's name."""

    name: str
    found: Located
    new: bool  # first found by this run


class Inventory:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = _open(path)
        self.run_id = 0

    def close(self) -> None:
        self._db.close()

    def start(self, driver: str, planned: int) -> int:
        cursor = self._db.execute(
            "INSERT INTO runs (started, driver, planned) VALUES (?, ?, ?)",
            (time.time(), driver, planned),
        )
        self._db.commit()
        self.run_id = int(cursor.lastrowid or 0)
        return self.run_id

    def finish(self, interrupted: bool) -> None:
        self._db.execute(
            "UPDATE runs SET finished = ?, interrupted = ? WHERE id = ?",
            (time.time(), int(interrupted), self.run_id),
        )
        self._db.commit()

    def known(self, repos: Iterable[Repo]) -> dict[str, Known]:
        found: dict[str, Known] = {}
        for repo in repos:
            row = self._db.execute(
                "SELECT digest FROM repositories WHERE key = ?", (repo.key,)
            ).fetchone()
            if row is not None:
                found[repo.key] = Known(row[0])
        return found

    def record(self, repo: Repo, outcome: Outcome) -> list[Place]:
        """Record one repository's outcome (in one transaction) and return the findings this
        run reports for it: a scan's own, or for an unchanged repository those recorded before.
        A failed repository reports none, unless its scan found some before failing (a file only
        partly checked); what earlier scans found of it stays recorded."""
        db, run = self._db, self.run_id
        good = outcome.status != FAILED
        with db:
            db.execute(
                "INSERT INTO repositories VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET name = excluded.name, run = excluded.run,"
                " outcome = excluded.outcome, reason = excluded.reason,"
                " detail = excluded.detail, attempts = excluded.attempts, at = excluded.at,"
                " seconds = excluded.seconds, mirror_seconds = excluded.mirror_seconds,"
                " scan_seconds = excluded.scan_seconds, worker = excluded.worker,"
                " files = excluded.files, bytes = excluded.bytes,"
                " digest = coalesce(excluded.digest, digest),"
                " good_run = coalesce(excluded.good_run, good_run)",
                (
                    repo.key, repo.name, run, outcome.status, outcome.reason, outcome.detail,
                    outcome.attempt, outcome.started, outcome.seconds, outcome.mirror_seconds,
                    outcome.scan_seconds, outcome.worker, outcome.files, outcome.bytes,
                    outcome.digest if good else None, run if good else None,
                ),
            )  # fmt: skip
            if outcome.status == "scanned":
                self._replace_heads(repo.key, outcome.heads)
            if outcome.status == "scanned" or outcome.findings:  # partly checked: still found
                self._replace_findings(repo.key, outcome.findings)
        if not good and not outcome.findings:
            return []
        return list(self.places(repo.key))

    def _replace_heads(self, key: str, heads: Iterable[tuple[str, str]]) -> None:
        self._db.execute("DELETE FROM heads WHERE repository = ?", (key,))
        self._db.executemany(
            "INSERT INTO heads VALUES (?, ?, ?)", ((key, ref, oid) for ref, oid in heads)
        )

    def _replace_findings(self, key: str, findings: Iterable[Located]) -> None:
        """The repository's locations become these; one seen before keeps its first run."""
        db, run = self._db, self.run_id
        first = dict(
            db.execute("SELECT fingerprint, first_run FROM locations WHERE repository = ?", (key,))
        )
        db.execute("DELETE FROM locations WHERE repository = ?", (key,))
        now = time.time()
        for item in findings:
            db.execute(
                "INSERT OR IGNORE INTO secrets VALUES (?, ?, ?, ?, ?)",
                (item.fingerprint, item.rule_id, item.preview, run, now),
            )
            db.execute(
                f"INSERT OR REPLACE INTO locations (repository, {_LOCATION_FIELDS}, first_run)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key, *item, first.get(item.fingerprint, run)),
            )

    def places(self, key: str) -> Iterator[Place]:
        """The repository's recorded findings, by path and line."""
        rows = self._db.execute(
            f"SELECT r.name, {_LOCATION_FIELDS}, l.first_run FROM locations l"
            " JOIN repositories r ON r.key = l.repository"
            " WHERE l.repository = ? ORDER BY path, line, col, rule_id",
            (key,),
        )
        for name, *fields, first_run in rows:
            yield Place(name, _located(fields), first_run == self.run_id)

    def secrets(self, only_new: bool) -> Iterator[Secret]:
        """Each secret this run reports (held by a repository it scanned or found unchanged),
        those in the most repositories first."""
        rows = self._db.execute(
            "SELECT s.fingerprint, s.rule_id, s.preview, count(*) FROM secrets s"
            " JOIN locations l ON l.fingerprint = s.fingerprint"
            " JOIN repositories r ON r.key = l.repository"
            " WHERE r.run = ? AND r.outcome != 'failed' AND (? = 0 OR l.first_run = ?)"
            " GROUP BY s.fingerprint ORDER BY count(*) DESC, s.rule_id, s.fingerprint",
            (self.run_id, int(only_new), self.run_id),
        )
        for row in rows:
            yield Secret(*row)

    def locations(self, fingerprint: str, only_new: bool) -> Iterator[Place]:
        rows = self._db.execute(
            f"SELECT r.name, {', '.join('l.' + f for f in _LOCATION_FIELDS.split(', '))},"
            " l.first_run FROM locations l JOIN repositories r ON r.key = l.repository"
            " WHERE l.fingerprint = ? AND r.run = ? AND r.outcome != 'failed'"
            " AND (? = 0 OR l.first_run = ?) ORDER BY r.name",
            (fingerprint, self.run_id, int(only_new), self.run_id),
        )
        for name, *fields, first_run in rows:
            yield Place(name, _located(fields), first_run == self.run_id)

    def coverage(self) -> list[Count]:
        """This run's repositories by outcome and reason."""
        rows = self._db.execute(
            "SELECT outcome, reason, count(*) FROM repositories WHERE run = ?"
            " GROUP BY outcome, reason ORDER BY outcome, count(*) DESC, reason",
            (self.run_id,),
        )
        return [Count(*row) for row in rows]

    def failures(self) -> Iterator[tuple[str, str, str]]:
        """(name, reason, detail) of each repository this run could not scan."""
        rows = self._db.execute(
            "SELECT name, reason, detail FROM repositories WHERE run = ? AND outcome = 'failed'"
            " ORDER BY reason, name",
            (self.run_id,),
        )
        yield from rows


def _located(fields: list[object]) -> Located:
    item = Located(*fields)  # type: ignore[arg-type]
    return item._replace(
        at_head=None if item.at_head is None else bool(item.at_head),
        in_message=bool(item.in_message),
    )


def _open(path: Path) -> sqlite3.Connection:
    """The inventory at `path`, created if absent; held by this process alone until closed."""
    new = not path.exists()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, isolation_level="DEFERRED", timeout=0.5)
        db.execute("PRAGMA locking_mode = EXCLUSIVE")
        db.execute("PRAGMA journal_mode = WAL")
        if new:
            with db:
                db.executescript(_TABLES)
                db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
        row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        db.execute("BEGIN IMMEDIATE")  # takes the exclusive lock now, not at the first record
        db.rollback()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise UsageError(
                f"{path}: the inventory is in use by another pat-scan fleet run"
            ) from None
        raise UsageError(f"{path}: cannot open the inventory: {exc}") from None
    except sqlite3.DatabaseError as exc:
        raise UsageError(f"{path}: not a pat-scan inventory ({exc})") from None
    if row != (str(SCHEMA),):
        db.close()
        raise UsageError(
            f"{path}: inventory schema {row[0] if row else '?'}; this pat-scan uses {SCHEMA}"
        )
    return db
