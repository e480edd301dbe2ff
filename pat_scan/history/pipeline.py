"""The history pipeline: rev-list's blobs (each unique blob once, minus excluded paths and, with
the incremental store, those scanned before) → chunks scanned by the parallel driver → one
`git log` pass for commit messages and the first commit of each blob that had findings → each
secret once, at its first commit."""

from __future__ import annotations

import contextlib
import itertools
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from pat_scan import git, parallel, suppress
from pat_scan.findings import MESSAGE_PATH, Finding
from pat_scan.history import attribution
from pat_scan.history import store as history_store
from pat_scan.history.store import Intro, Store, Stored
from pat_scan.history.work import Chunk, ChunkTask, scan_messages
from pat_scan.options import HistoryOptions
from pat_scan.results import Result, Stats
from pat_scan.session import Session
from pat_scan.sources import history
from pat_scan.sources.history import Commit

# Below this many blobs a worker pool costs more than it saves.
SERIAL_BELOW = 2000
# Blobs a worker scans at a time (reading them through the one cat-file process it keeps): a
# chunk's findings are stored as it finishes, so an interrupted scan keeps all but the last few.
CHUNK_BLOBS = 250
STORE_BATCH = 500  # blob ids looked up in the incremental store at a time
MESSAGE_BATCH = 1000  # commit messages scanned joined at a time
# Seconds between two commits of the incremental store while blobs are scanned (a chunk's blobs
# and findings always in the same one; an interrupt or error commits what is there): one commit
# a chunk cost pytest's first incremental run 1.2 s in 170 commits.
COMMIT_EVERY = 2.0


class Observer(Protocol):
    """Told how far a scan has come (a terminal progress line, say)."""

    def advance(self, objects: int, nbytes: int) -> None:
        """`objects` more blobs are done (scanned, skipped or known), `nbytes` of them read."""

    def stop(self) -> None:
        """The blob scan is over, or was stopped."""


class _Silent:
    def advance(self, objects: int, nbytes: int) -> None:
        pass

    def stop(self) -> None:
        pass


def has_commits(root: Path, options: HistoryOptions) -> bool:
    return bool(git.commit_ids(root, ["--max-count=1", *options.revisions]))


def scan(
    root: Path, session: Session, options: HistoryOptions, observer: Observer | None = None
) -> Result:
    """Every secret the history holds, at its first commit. Ctrl-C stops the scan and returns
    what was found until then, marked `interrupted`. Not a repository: GitError."""
    common_dir = git.common_dir(root)
    pipeline = _Pipeline(root, common_dir, session, options, observer or _Silent())
    try:
        pipeline.run()
    except KeyboardInterrupt:
        pipeline.interrupted = True
    finally:
        pipeline.close()
    return pipeline.result()


class _Pipeline:
    """One history scan: blobs through workers, then one log pass, then the result."""

    def __init__(
        self,
        root: Path,
        common_dir: Path,
        session: Session,
        options: HistoryOptions,
        observer: Observer,
    ) -> None:
        self.root = root
        self.common_dir = common_dir
        self.options = options
        self.revisions = list(options.revisions)
        self.max_size = session.max_size
        self.matcher = session.matcher
        self.rules_by_id = {rule.id: rule for rule in self.matcher.rules}
        config = session.config
        self.excluded = config.excluder()
        self.config_root = str(config.root)  # where its exclude patterns are relative to
        self.baselines = config.baseline_names()
        self.allowlist = suppress.Allowlist(config.allow, config.stopwords, config.foreign_markers)
        self.stats = Stats()
        self.blob_findings: dict[str, list[Finding]] = {}  # suppression reason already set
        self.message_findings: dict[str, list[Finding]] = {}  # commit id -> findings
        self.intros: dict[str, Intro] = {}  # blob or commit id -> first commit
        self.complete = False
        self.interrupted = False
        self.log: git.Spooled | None = None  # the spooled `git log`, started with the blobs
        self.store: Store | None = None
        if options.incremental:
            from pat_scan import rules as rule_packs
            from pat_scan.engine import judge

            store_key = history_store.key(
                rule_packs.findings_fingerprint(self.matcher.rules) + judge.fingerprint(),
                self.max_size,
                config.allow,
                config.stopwords,
                foreign_markers=config.foreign_markers,
            )
            self.store = Store(history_store.location(common_dir), store_key)
        self.observer = observer
        # When the store last committed: never, so the first chunk is committed at once (a scan
        # stopped in its first seconds keeps it), then one commit every COMMIT_EVERY seconds.
        self.committed = -COMMIT_EVERY
        self.spool_log = False  # whether the log is written while the blobs are scanned

    def run(self) -> None:
        # The log is needed only after the blobs, but git can write it while they are scanned.
        # An incremental run may not need it at all, but a first one does, as a plain run does
        # (started after the blobs, it made the first incremental run of pytest's history 1.5 s
        # slower than a plain one).
        self.spool_log = self.store is None or self.store.empty()
        self._scan_blobs(self._blobs())
        self._walk_commits()
        self.complete = True

    def _blobs(self) -> Iterator[tuple[str, str]]:
        """(blob id, a path it had) to scan, streamed from rev-list (each blob once): nothing is
        kept per blob. Excluded paths are counted; with the store, the blobs it has seen are
        not scanned again, their findings are loaded from it."""
        seen: list[tuple[str, str]] = []
        base = self.config_root
        listing = git.history_blobs(self.root, self.revisions, self.common_dir, self._listed)
        for oid, name in listing:
            if name and self.excluded(os.path.join(base, name)):
                self.stats.skipped["excluded"] += 1
                self.observer.advance(1, 0)
            elif self.store is None:
                yield oid, name
            else:
                seen.append((oid, name))
                if len(seen) == STORE_BATCH:
                    yield from self._not_stored(seen)
                    seen = []
        yield from self._not_stored(seen)

    def _listed(self) -> None:
        """rev-list is done: the log starts now, not beside it (two git processes walking the
        history at once held 430 MB of git.git between them)."""
        if self.spool_log:
            self.log = git.spool_history_log(self.root, self.revisions, near=self.common_dir)

    def _not_stored(self, blobs: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Those of `blobs` the store has not seen; the findings of the others are loaded."""
        if self.store is None or not blobs:
            return blobs
        known = self.store.known_blobs([oid for oid, _ in blobs])
        paths = {oid: path for oid, path in blobs if oid in known}
        for oid, rows in self.store.findings(paths).items():
            self.blob_findings[oid] = self._rebuilt(rows, paths[oid])
        self.observer.advance(len(known), 0)
        return [(oid, path) for oid, path in blobs if oid not in known]

    def _scan_blobs(self, blobs: Iterator[tuple[str, str]]) -> None:
        """Scan in chunks, in this process for a short history or --jobs 1, else in a pool."""
        first = list(itertools.islice(blobs, SERIAL_BELOW))
        workers = self.options.jobs or parallel.jobs()
        if len(first) < SERIAL_BELOW:
            workers = 1
        work = _chunks(itertools.chain(first, blobs), CHUNK_BLOBS)
        task = ChunkTask(str(self.root), self.max_size, self.baselines)
        try:
            with contextlib.closing(
                parallel.ordered_map(task, work, self.matcher, workers)
            ) as done:
                for chunk in done:  # closed on an error or Ctrl-C: a pool stops at once
                    self._collect(chunk)
        except BaseException:
            history.stop_readers()  # a serial scan's stream; a pool's end with its workers
            raise
        finally:
            self.observer.stop()
        history.close_readers()

    def _collect(self, chunk: Chunk) -> None:
        """Take in what a chunk found (its findings carry their blob's path)."""
        self.stats.add(chunk.files, chunk.bytes_scanned, chunk.skipped, chunk.unscanned)
        for oid, found in chunk.found:
            self.blob_findings[oid] = self._judged(oid, found)
        if self.store is not None:
            self.store.add_blobs(chunk.scanned)
            now = time.monotonic()
            if now - self.committed >= COMMIT_EVERY:
                self.store.commit()
                self.committed = now
        self.observer.advance(chunk.objects, chunk.bytes_read)

    def _judged(self, source: str, found: list[Finding]) -> list[Finding]:
        """A blob's or commit message's findings with their suppression reasons, reported ones
        first; stored for the next incremental run."""
        reported, suppressed = suppress.apply(found, self.allowlist)
        if self.store is not None:
            self.store.add_findings(source, map(history_store.stored, reported + suppressed))
        return reported + suppressed

    def _rebuilt(self, rows: list[Stored], path: str) -> list[Finding]:
        """Findings an earlier incremental run stored, at `path`."""
        return [history_store.rebuild(row, self.rules_by_id[row.rule_id], path) for row in rows]

    def _walk_commits(self) -> None:
        """One `git log` pass: commit messages, and the first commit of each finding's blob."""
        messages = self.options.commit_messages
        key = "\0".join(self.revisions)
        known_commits: set[str] = set()
        new_commits: list[str] = []
        if self.store is not None:
            self.intros = self.store.intros(key)
            known_commits = self.store.commit_ids() if messages else set()
            current = git.commit_ids(self.root, self.revisions) if messages else []
            new_commits = [sha for sha in current if sha not in known_commits]
            stored = self.store.findings(sha for sha in current if sha in known_commits)
            for sha, rows in stored.items():
                self.message_findings[sha] = self._rebuilt(rows, MESSAGE_PATH)
        wanted = {oid for oid in self.blob_findings if oid not in self.intros}
        missing = wanted or any(sha not in self.intros for sha in self.message_findings)
        if self.store is not None and not new_commits and not missing:
            return  # nothing new: everything below is already in the store
        pending: list[tuple[int, Commit]] = []  # commits whose messages are yet to be scanned
        if self.log is not None:
            tokens = self.log.records()
        else:
            tokens = git.history_log(self.root, self.revisions, raw=bool(wanted))
        # Stored first commits take their place in this walk (new commits may come before them).
        stored_shas = {intro.sha for intro in self.intros.values()}
        positions: dict[str, int] = {}
        for position, commit in enumerate(history.commits(tokens, wanted)):
            if commit.sha in stored_shas:
                positions[commit.sha] = position
            intro = Intro(commit.sha, commit.author, commit.email, position, commit.date, "")
            if messages and commit.sha not in known_commits:
                pending.append((position, commit))
                if len(pending) == MESSAGE_BATCH:
                    self._scan_messages(pending)
                    pending = []
            elif commit.sha in self.message_findings:  # found by an earlier run
                self.intros.setdefault(commit.sha, intro._replace(path=MESSAGE_PATH))
            for oid, path in commit.added:
                if oid in wanted and oid not in self.intros:
                    self.intros[oid] = intro._replace(path=path)
        self._scan_messages(pending)
        for source, intro in self.intros.items():
            if intro.sha in positions:
                self.intros[source] = intro._replace(position=positions[intro.sha])
        if self.store is not None:
            self.store.set_intros(key, self.intros)
            self.store.commit()

    def _scan_messages(self, commits: list[tuple[int, Commit]]) -> None:
        if self.store is not None:
            self.store.add_commits(commit.sha for _, commit in commits)
        by_sha = {commit.sha: (position, commit) for position, commit in commits}
        found_in = scan_messages(self.matcher, [commit for _, commit in commits])
        for sha, found in found_in.items():
            self.message_findings[sha] = self._judged(sha, found)
            position, c = by_sha[sha]
            intro = Intro(c.sha, c.author, c.email, position, c.date, MESSAGE_PATH)
            self.intros.setdefault(sha, intro)

    def close(self) -> None:
        self.observer.stop()
        if self.log is not None:
            self.log.close()
        if self.store is not None:
            self.store.close()

    def result(self) -> Result:
        result = Result()
        result.stats = self.stats
        result.interrupted = self.interrupted
        result.shallow = git.is_shallow(self.root)
        head = git.tree_blob_ids(self.root, "HEAD") if self.complete else set()
        origins = attribution.Origins(self.intros, head, set(self.message_findings))
        sources = [*self.blob_findings.items(), *self.message_findings.items()]
        result.findings = attribution.unique(sources, origins, suppressed=False)
        result.suppressed = attribution.unique(sources, origins, suppressed=True)
        return result


def _chunks(blobs: Iterator[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    """Consecutive (blob id, path) pairs, `size` at a time, taken as they come."""
    while chunk := list(itertools.islice(blobs, size)):
        yield chunk
