"""Orchestration of scans of what is on disk or staged: source → content and engine →
suppression → result. A history has its own pipeline, in `history/`."""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import posixpath
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from pat_scan import suppress
from pat_scan.config import Config
from pat_scan.content import scan_content
from pat_scan.engine import Matcher
from pat_scan.findings import Commit, Finding, InCommit
from pat_scan.options import HookOptions
from pat_scan.results import UNSCANNED, Result, partly_checked
from pat_scan.session import Session
from pat_scan.sources import Blob
from pat_scan.sources.diff import FileChange
from pat_scan.suppress import baseline

# A tree this large is worth a second process (each worker loads the engine: ~50 ms).
PARALLEL_BYTES = 4 * 1024 * 1024
PARALLEL_FILES = 200
_CHUNK_FILES = 64


def scan_paths(session: Session, paths: Sequence[str], use_git: bool) -> Result:
    """Scan the files and directories `paths` name (git-aware unless `use_git` is false), in
    worker processes when the tree is large; the same result, in the same order, either way."""
    from pat_scan import parallel  # multiprocessing: not on the hook's import path
    from pat_scan.sources import files

    excluded = session.config.excluder()
    skipped = 0

    def wanted() -> Iterator[tuple[str, str]]:
        nonlocal skipped
        for display, real in files.listing(paths, use_git):
            if excluded(display):
                skipped += 1
            else:
                yield display, real

    # Listed as they are scanned: the first files are in the workers while the rest are found.
    first, rest, large = _first_files(wanted())
    todo = itertools.chain(first, rest)
    chunks = iter(lambda: list(itertools.islice(todo, _CHUNK_FILES)), [])
    workers = parallel.jobs() if large else 1
    task = _FileChunkTask(session.max_size, session.config.baseline_names())
    result = Result()
    with contextlib.closing(parallel.ordered_map(task, chunks, session.matcher, workers)) as done:
        for part in done:  # closed on an error or Ctrl-C: a pool stops at once
            result.merge(part)
    if skipped:
        result.stats.skipped["excluded"] += skipped
    return _suppress(result, session.config)


def scan_stdin(session: Session) -> Result:
    from pat_scan.sources import files

    blob = files.stdin_blob(session.max_size)
    return scan_entries([(blob, None)], session.matcher, session.config)


def scan_hook(session: Session, hook: HookOptions) -> Result:
    """What the hook must check, by the mode git and pre-commit run it in: a push's commits, a
    commit's staged blobs (findings on added lines only), or the files pre-commit passed, whole.
    Paths are shown relative to the current directory, but a pushed commit's are the
    repository's. Blobs are read and scanned one after another, never all held at once."""
    from pat_scan.sources import changes, files

    root = session.root
    excluded = session.config.excluder()
    to_root, shown = _hook_paths(root, Path.cwd())
    found, whole = _hook_targets(root, hook, [to_root(f) for f in hook.files])
    staged = (
        (blob if change.commit else blob._replace(path=shown(blob.path)), change)
        for change, blob in changes.blobs(root, found, session.max_size, excluded)
    )

    def passed() -> Iterator[tuple[Blob, FileChange | None]]:
        whole_paths = [str(root / f) for f in whole()]
        for blob in files.blobs(
            whole_paths, use_git=False, max_size=session.max_size, excluded=excluded
        ):
            yield blob, None

    entries: Iterator[tuple[Blob, FileChange | None]] = itertools.chain(staged, passed())
    # The engine only when something is left to scan: an empty or all-excluded commit skips it.
    ahead: list[tuple[Blob, FileChange | None]] = []
    for entry in entries:
        ahead.append(entry)
        if not entry[0].skipped:
            break
    matcher = session.matcher if ahead and not ahead[-1][0].skipped else None
    return scan_entries(itertools.chain(ahead, entries), matcher, session.config)


def _hook_paths(root: Path, here: Path) -> tuple[Callable[[str], str], Callable[[str], str]]:
    """(a path relative to `here` made relative to `root`, a path relative to `root` made
    relative to `here`); when `here` is the root, as under git, without a system call a path
    (~70 µs each through `os.path.relpath`)."""
    from pat_scan.suppress.baseline import root_relative

    if here != root or os.sep != "/":
        return functools.partial(root_relative, root=root), lambda path: root_relative(
            str(root / path), here
        )

    def relative(path: str) -> str:
        if not path.startswith("/"):
            normal = posixpath.normpath(path)
            if normal != ".." and not normal.startswith("../"):
                return normal
        return root_relative(path, root)

    return relative, relative


def _hook_targets(
    root: Path, hook: HookOptions, passed: list[str]
) -> tuple[Iterable[FileChange], Callable[[], list[str]]]:
    """(changes whose added lines to check, and once they have all been taken, the files to
    scan whole), paths relative to the root."""
    from pat_scan.sources import changes

    if hook.from_ref and hook.to_ref:  # pre-push
        return changes.pushed(root, hook.from_ref, hook.to_ref), list
    if hook.in_commit or not passed:  # inside `git commit`, or run by hand
        staged_paths: set[str] = set()

        def staged() -> Iterator[FileChange]:
            for change in changes.staged(root, passed):
                staged_paths.add(change.path)
                yield change

        # Never skip a passed file: one without a staged change is scanned whole.
        return staged(), lambda: [f for f in passed if f not in staged_paths]
    return [], lambda: passed  # pre-commit run --files / --all-files


class _FileChunkTask:
    """Read and scan some files with this process's engine (in a worker, or in place);
    suppression is left to the caller. A class, not a closure, so that a pool can send it."""

    __slots__ = ("baselines", "max_size")

    def __init__(self, max_size: int, baselines: frozenset[str]) -> None:
        self.max_size = max_size
        self.baselines = baselines

    def __call__(self, chunk: Sequence[tuple[str, str]]) -> Result:
        from pat_scan import parallel
        from pat_scan.sources import files

        blobs = files.read_all(chunk, self.max_size)
        entries = ((blob, None) for blob in blobs)
        return _unsuppressed(entries, parallel.matcher(), self.baselines)


def _first_files(
    files: Iterator[tuple[str, str]],
) -> tuple[list[tuple[str, str]], Iterator[tuple[str, str]], bool]:
    """(the first files, the rest, whether the tree is large enough to be worth a second
    process: many files, and many bytes between them): as many files as it takes to know,
    all of them when it is not."""
    first: list[tuple[str, str]] = []
    total = 0
    for item in files:
        first.append(item)
        if total < PARALLEL_BYTES:
            with contextlib.suppress(OSError):  # gone meanwhile: its read will say so
                total += os.stat(item[1]).st_size
        if len(first) >= PARALLEL_FILES and total >= PARALLEL_BYTES:
            return first, files, True
    return first, files, False


def scan_entries(
    entries: Iterable[tuple[Blob, FileChange | None]], matcher: Matcher | None, config: Config
) -> Result:
    """Scan each blob; with a change, keep only findings on lines that change added. The
    matcher may be None when every blob is skipped (nothing to build an engine for)."""
    return _suppress(_unsuppressed(entries, matcher, config.baseline_names()), config)


def _unsuppressed(
    entries: Iterable[tuple[Blob, FileChange | None]],
    matcher: Matcher | None,
    baselines: frozenset[str],
) -> Result:
    result = Result()
    stats = result.stats
    for blob, change in entries:
        if blob.skipped:
            stats.skipped[blob.skipped] += 1
            if blob.skipped in UNSCANNED:
                stats.unscanned[blob.path] = blob.skipped
            continue
        assert matcher is not None, "a blob to scan needs an engine"
        unchecked: Counter[str] = Counter()
        # A change's added lines are all that is kept of a text file: the rest is not judged.
        added = None if change is None or change.binary else change.added
        try:
            scanned = scan_content(matcher, blob.data, blob.pieces, blob.path, unchecked, added)
        except OSError:  # a large file that could not be read to its end
            stats.skipped["unreadable"] += 1
            stats.unscanned[blob.path] = "unreadable"
            continue
        if scanned is None:
            stats.skipped["binary"] += 1
            continue
        found, size = scanned
        if blob.path.rsplit("/", 1)[-1] in baselines:
            found = baseline.without_entries(found, blob.data)
        stats.files += 1
        stats.bytes += size
        if unchecked:
            stats.unscanned[blob.path] = partly_checked(unchecked)
        result.paths.append(blob.path)
        result.findings += found if change is None else _added(found, change, blob, matcher)
    return result


def _added(found: list[Finding], change: FileChange, blob: Blob, matcher: Matcher) -> list[Finding]:
    """The findings a change adds: on the lines it added, or for a change git diffs as binary
    (it has no lines), those the content it replaced did not hold."""
    if change.binary:
        before = blob.before and scan_content(matcher, blob.before, None, blob.path)
        known = {(f.rule.id, f.secret) for f in before[0]} if before else set()
        added = [f for f in found if (f.rule.id, f.secret) not in known]
    else:
        added = [f for f in found if change.touches(f.line, f.end_line)]
    if change.commit:
        origin = InCommit(Commit(change.commit))
        added = [f._replace(origin=origin) for f in added]
    return added


def _suppress(result: Result, config: Config) -> Result:
    if not result.findings:  # nothing to judge: no allowlist to compile
        return result
    allowlist = suppress.Allowlist(config.allow, config.stopwords, config.foreign_markers)
    result.findings, result.suppressed = suppress.apply(result.findings, allowlist)
    return result


def default_root(paths: Sequence[str]) -> Path:
    """Where configuration is looked for: the work tree of the first path, else that path."""
    from pat_scan import git

    first = Path(paths[0]) if paths and paths[0] != "-" else Path.cwd()
    return git.toplevel(first) or (first if first.is_dir() else first.parent).resolve()
