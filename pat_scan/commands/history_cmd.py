"""`pat-scan history [REPO] [A..B]`: every secret ever committed, on any branch or tag.

Each unique blob is scanned once; a secret is reported once, at the first commit that added it,
with how many file versions and commit messages hold it and whether HEAD still does.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from typing import Any

from pat_scan.commands.scan_cmd import add_size_option

# Below this many blobs a worker pool costs more than it saves.
SERIAL_BELOW = 2000
CHUNK_BLOBS = 2000  # blobs a worker reads through one cat-file process and scans at a time
STORE_BATCH = 500  # blob ids looked up in the incremental store at a time
MESSAGE_BATCH = 1000  # commit messages scanned joined at a time


def register(commands: Any, *parents: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "history",
        parents=parents,
        help="scan a repository's whole history (every branch, tag and commit message)",
        description="Report every secret ever committed, even if later deleted: each unique "
        "blob of the history is scanned once, and each secret is reported once, at the commit "
        "that first added it. By default all refs (git rev-list --all).",
    )
    parser.add_argument(
        "targets",
        nargs="*",
        metavar="REPO|A..B",
        help="repository (default: .) and/or a revision range such as main..feature",
    )
    parser.add_argument(
        "--branch", action="append", default=[], metavar="REF", help="only this ref (repeatable)"
    )
    parser.add_argument("--range", metavar="A..B", help="only commits in this revision range")
    parser.add_argument(
        "--since", metavar="DATE", help="only commits after DATE (git's --since syntax)"
    )
    parser.add_argument(
        "--no-commit-messages", action="store_true", help="do not scan commit messages"
    )
    parser.add_argument(
        "--incremental",
        action="store_true",
        help="remember what was scanned (in the git dir, pat-scan/history.sqlite; no secrets) "
        "and scan only new blobs and commits next time",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help="worker processes (default: the number of CPUs; 1 scans in this process)",
    )
    add_size_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from pat_scan import git, scan
    from pat_scan.cli import EXIT_INTERRUPTED
    from pat_scan.commands.common import Prepared, finish
    from pat_scan.errors import UsageError

    repo, revisions = _targets(args)
    if not Path(repo).is_dir():
        raise UsageError(f"{repo}: not a directory")
    root = Path(repo).resolve()
    common_dir = git.common_dir(root)  # not a repository: GitError, exit 3
    prepared = Prepared(args, git.toplevel(root) or root)
    # Entries are judged stale only by scans of the work tree: history keeps old versions.
    if not git.commit_ids(root, ["--max-count=1", *revisions]):
        print(f"pat-scan: {repo}: no commits to scan", file=sys.stderr)
        return finish(args, prepared, scan.Result(), "history", stale_scope=set())
    history = History(args, prepared, root, common_dir, revisions)
    interrupted = False
    try:
        history.run()
    except KeyboardInterrupt:
        print("pat-scan: interrupted: reporting what was found so far", file=sys.stderr)
        interrupted = True
    finally:
        history.close()
    code = finish(args, prepared, history.result(), "history", stale_scope=set())
    return EXIT_INTERRUPTED if interrupted else code


def _targets(args: argparse.Namespace) -> tuple[str, list[str]]:
    """(repository, revision arguments for rev-list and log)."""
    from pat_scan.errors import UsageError

    repo = None
    ranges = [args.range] if args.range else []
    for target in args.targets:
        if ".." in target and not os.path.isdir(target):
            ranges.append(target)
        elif repo is None:
            repo = target
        else:
            raise UsageError(f"{target}: one repository at a time")
    if ranges and args.branch:
        raise UsageError("--branch and a range select commits differently: give one")
    selected = ranges or list(args.branch) or ["--all"]
    for revision in selected:
        if revision.startswith("-") and revision != "--all":
            raise UsageError(f"{revision}: not a revision")
    since = [f"--since={args.since}"] if args.since else []
    return repo or ".", [*selected, *since]


class History:
    """One history scan: blobs through workers, then one log pass, then the report."""

    def __init__(
        self,
        args: argparse.Namespace,
        prepared: Any,
        root: Any,
        common_dir: Any,
        revisions: list[str],
    ) -> None:
        from pat_scan import history_store, scan, suppress
        from pat_scan.findings import Finding
        from pat_scan.history_store import Intro

        self.args = args
        self.root = root
        self.common_dir = common_dir
        self.revisions = revisions
        self.max_size = prepared.max_size
        self.matcher = prepared.matcher
        self.rules_by_id = {rule.id: rule for rule in self.matcher.rules}
        config = prepared.config
        self.config = config
        self.allowlist = suppress.Allowlist(config.allow, config.stopwords, config.foreign_markers)
        self.stats = scan.Stats()
        self.blob_findings: dict[str, list[Finding]] = {}  # suppression reason already set
        self.message_findings: dict[str, list[Finding]] = {}  # commit id -> findings
        self.intros: dict[str, Intro] = {}  # blob or commit id -> first commit
        self.complete = False
        self.log: Any = None  # the spooled `git log`, when started ahead of the blob scan
        self.store = None
        if args.incremental:
            from pat_scan import rules as rule_packs

            store_key = history_store.key(
                rule_packs.findings_fingerprint(self.matcher.rules),
                self.max_size,
                config.allow,
                config.stopwords,
            )
            self.store = history_store.Store(history_store.location(common_dir), store_key)
        self.progress = Progress(root, revisions)  # last: on a terminal it starts a git process

    # -- the pipeline -------------------------------------------------------------------------

    def run(self) -> None:
        from pat_scan import git

        if self.store is None:
            # Needed only after the blobs, but git can write it now while a core is idle (while
            # rev-list lists the blobs). An incremental run may not need it at all.
            self.log = git.spool_history_log(self.root, self.revisions, near=self.common_dir)
        self._scan_blobs(self._blobs())
        self._walk_commits()
        self.complete = True

    def _blobs(self) -> Iterator[tuple[str, str]]:
        """(blob id, a path it had) to scan, streamed from rev-list (each blob once): nothing is
        kept per blob. Excluded paths are counted; with the store, the blobs it has seen are
        not scanned again, their findings are loaded from it."""
        from pat_scan import git

        excluded = self._excluder()
        seen: list[tuple[str, str]] = []
        for oid, name in git.history_blobs(self.root, self.revisions):
            if name and excluded(name):
                self.stats.skipped["excluded"] += 1
                self.progress.update(1, 0)
            elif self.store is None:
                yield oid, name
            else:
                seen.append((oid, name))
                if len(seen) == STORE_BATCH:
                    yield from self._not_stored(seen)
                    seen = []
        yield from self._not_stored(seen)

    def _excluder(self) -> Any:
        """The configuration's exclusions on history paths, memoised: a path recurs in every
        version of its file."""
        excluded = self.config.excluder()
        base = str(self.config.root)
        verdicts: dict[str, bool] = {}

        def check(name: str) -> bool:
            verdict = verdicts.get(name)
            if verdict is None:
                verdict = verdicts[name] = excluded(os.path.join(base, name))
            return verdict

        return check

    def _not_stored(self, blobs: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Those of `blobs` the store has not seen; the findings of the others are loaded."""
        if self.store is None or not blobs:
            return blobs
        known = self.store.known_blobs([oid for oid, _ in blobs])
        paths = {oid: path for oid, path in blobs if oid in known}
        for oid, rows in self.store.findings(paths).items():
            self.blob_findings[oid] = self._rebuilt(rows, paths[oid])
        self.progress.update(len(known), 0)
        return [(oid, path) for oid, path in blobs if oid not in known]

    def _scan_blobs(self, blobs: Iterator[tuple[str, str]]) -> None:
        """Scan in chunks: in this process for a short history or --jobs 1, else in a worker
        pool fed a few chunks ahead of what it has returned (the rest waits in rev-list)."""
        import functools
        import itertools
        from collections import deque

        from pat_scan import parallel
        from pat_scan.sources import history

        jobs = self.args.jobs or parallel.jobs()
        task = functools.partial(history.scan_chunk, str(self.root), max_size=self.max_size)
        first = list(itertools.islice(blobs, SERIAL_BELOW))
        work = history.chunks(itertools.chain(first, blobs), CHUNK_BLOBS)
        try:
            if jobs <= 1 or len(first) < SERIAL_BELOW:
                parallel.use_matcher(self.matcher)
                try:
                    for chunk in work:
                        self._collect(task(chunk))
                except BaseException:
                    history.stop_readers()
                    raise
                history.close_readers()
                return
            with parallel.pool(jobs, self.matcher.rules) as pool:
                running: deque[Any] = deque()
                for chunk in work:
                    running.append(pool.apply_async(task, (chunk,)))
                    if len(running) > 2 * jobs:
                        self._collect(running.popleft().get())
                while running:
                    self._collect(running.popleft().get())
        finally:
            self.progress.done()

    def _collect(self, chunk: Any) -> None:
        """Take in what a chunk found (its findings carry their blob's path)."""
        stats = self.stats
        stats.files += chunk.files
        stats.bytes += chunk.bytes_scanned
        stats.skipped.update(chunk.skipped)
        for oid, found in chunk.found:
            self.blob_findings[oid] = self._judged(oid, found)
        if self.store is not None:
            self.store.add_blobs(chunk.scanned)
            self.store.commit()
        self.progress.update(chunk.objects, chunk.bytes_read)

    def _judged(self, source: str, found: list[Any]) -> list[Any]:
        """A blob's or commit message's findings with their suppression reasons, reported ones
        first; stored for the next incremental run."""
        from pat_scan import history_store, suppress

        reported, suppressed = suppress.apply(found, self.allowlist)
        if self.store is not None:
            self.store.add_findings(source, map(history_store.stored, reported + suppressed))
        return reported + suppressed

    def _rebuilt(self, rows: list[Any], path: str) -> list[Any]:
        """Findings an earlier incremental run stored, at `path`."""
        from pat_scan import history_store

        return [history_store.rebuild(row, self.rules_by_id[row.rule_id], path) for row in rows]

    def _walk_commits(self) -> None:
        """One `git log` pass: commit messages, and the first commit of each finding's blob."""
        from pat_scan import git
        from pat_scan.history_store import Intro
        from pat_scan.sources import history

        messages = not self.args.no_commit_messages
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
                self.message_findings[sha] = self._rebuilt(rows, history.MESSAGE_PATH)
        wanted = {oid for oid in self.blob_findings if oid not in self.intros}
        missing = wanted or any(sha not in self.intros for sha in self.message_findings)
        if self.store is not None and not new_commits and not missing:
            return  # nothing new: everything below is already in the store
        pending: list[Any] = []  # commits whose messages are still to be scanned
        if self.log is not None:
            tokens = self.log.records()
        else:
            tokens = git.history_log(self.root, self.revisions, raw=bool(wanted))
        for commit in history.commits(tokens, wanted):
            intro = Intro(commit.sha, commit.author, commit.email, commit.time, commit.date, "")
            if messages and commit.sha not in known_commits:
                pending.append(commit)
                if len(pending) == MESSAGE_BATCH:
                    self._scan_messages(pending)
                    pending = []
            elif commit.sha in self.message_findings:  # found by an earlier run
                self.intros.setdefault(commit.sha, intro._replace(path=history.MESSAGE_PATH))
            for oid, path in commit.added:
                if oid in wanted and oid not in self.intros:
                    self.intros[oid] = intro._replace(path=path)
        self._scan_messages(pending)
        if self.store is not None:
            self.store.set_intros(key, self.intros)
            self.store.commit()

    def _scan_messages(self, commits: list[Any]) -> None:
        from pat_scan.history_store import Intro
        from pat_scan.sources import history

        if self.store is not None:
            self.store.add_commits(commit.sha for commit in commits)
        by_sha = {commit.sha: commit for commit in commits}
        for sha, found in history.scan_messages(self.matcher, commits).items():
            self.message_findings[sha] = self._judged(sha, found)
            c = by_sha[sha]
            intro = Intro(c.sha, c.author, c.email, c.time, c.date, history.MESSAGE_PATH)
            self.intros.setdefault(sha, intro)

    def close(self) -> None:
        self.progress.done()
        if self.log is not None:
            self.log.close()
        if self.store is not None:
            self.store.close()

    # -- the report ---------------------------------------------------------------------------

    def result(self) -> Any:
        from pat_scan import git, scan

        result = scan.Result()
        result.stats = self.stats
        result.rooted = True
        head = git.tree_blob_ids(self.root, "HEAD") if self.complete else set()
        sources = [*self.blob_findings.items(), *self.message_findings.items()]
        result.findings = self._unique(sources, head, suppressed=False)
        result.suppressed = self._unique(sources, head, suppressed=True)
        return result

    def _unique(
        self, sources: list[tuple[str, list[Any]]], head: set[str], suppressed: bool
    ) -> Any:
        """One finding per identity (rule + secret), at its first commit."""
        groups: dict[str, list[tuple[Any, str]]] = {}
        for source, found in sources:
            for finding in found:
                if (finding.suppressed is not None) == suppressed:
                    groups.setdefault(finding.fingerprint, []).append((finding, source))
        unique = []
        for members in groups.values():
            first, source = min(members, key=self._order)
            intro = self.intros.get(source)
            if intro is None:
                unique.append(first)
                continue
            commit = {
                "sha": intro.sha,
                "author": intro.author,
                "email": intro.email,
                "date": intro.date,
                "present_at_head": "true" if any(s in head for _, s in members) else "false",
                "occurrences": str(len({s for _, s in members})),
            }
            unique.append(first._replace(path=intro.path or first.path, commit=commit))
        unique.sort(key=lambda f: (f.path, f.line, f.rule.id, f.commit["date"] if f.commit else ""))
        return unique

    def _order(self, member: tuple[Any, str]) -> tuple[int, str, str, int]:
        finding, source = member
        intro = self.intros.get(source)
        if intro is None:
            return (2**63, "", finding.path, finding.line)
        return (intro.time, intro.sha, intro.path, finding.line)


class Progress:
    """`objects/total blobs, MB, rate, ETA` on one carriage-return line, only when stderr is a
    terminal. The scan streams and does not know the total: a `git rev-list --count` run
    alongside tells it, and the ETA shows once that has answered."""

    def __init__(self, root: Any, revisions: list[str]) -> None:
        import sys
        import time

        from pat_scan import git

        self.objects = 0
        self.bytes = 0
        self.total: int | None = None
        self.started = time.monotonic()
        self.shown = 0.0
        self.enabled = sys.stderr.isatty()
        count = ("rev-list", "--objects", "--filter=object:type=blob", "--count", *revisions, "--")
        self._counting = git.Spooled(count, root) if self.enabled else None

    def update(self, objects: int, nbytes: int) -> None:
        import sys
        import time

        self.objects += objects
        self.bytes += nbytes
        now = time.monotonic()
        if not self.enabled or now - self.shown < 0.2:
            return
        self.shown = now
        elapsed = max(now - self.started, 1e-6)
        total = self._total()
        rate = self.objects / elapsed
        of = f"/{total}" if total else ""
        eta = f", ETA {(total - self.objects) / rate:.0f} s" if total and rate else ""
        sys.stderr.write(
            f"\rpat-scan history: {self.objects}{of} blobs, {self.bytes / 1e6:.0f} MB, "
            f"{self.bytes / 1e6 / elapsed:.0f} MB/s{eta}   "
        )
        sys.stderr.flush()

    def _total(self) -> int | None:
        from pat_scan.errors import GitError

        if self._counting is not None and self._counting.finished():
            try:
                self.total = int(b"".join(self._counting.records()).strip() or 0)
            except (GitError, ValueError):
                self.total = None  # only the ETA is lost: the scan reports its own failures
            self._counting.close()
            self._counting = None
        return self.total

    def done(self) -> None:
        import sys

        if self._counting is not None:
            self._counting.close()
            self._counting = None
        if self.enabled and self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.shown = 0.0
