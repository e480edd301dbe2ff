"""Orchestration: configuration → rules → source → engine → findings → suppression → result."""

from __future__ import annotations

import functools
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from pat_scan import rules as rule_packs
from pat_scan import suppress
from pat_scan.baseline import Entry
from pat_scan.config import Config
from pat_scan.content import scan_bytes
from pat_scan.diff import FileChange
from pat_scan.engine import Matcher
from pat_scan.findings import CONFIDENCE_ORDER, SEVERITY_ORDER, Finding
from pat_scan.rules import Rule
from pat_scan.sources import Blob


class Stats:
    __slots__ = ("bytes", "files", "skipped")

    def __init__(self) -> None:
        self.files = 0
        self.bytes = 0
        self.skipped: Counter[str] = Counter()


class Selection(NamedTuple):
    """Which rules run: from the command line and the configuration together."""

    extra_packs: tuple[str, ...] = ()
    only: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()

    @classmethod
    def from_args(cls, args: Any) -> Selection:
        """From the shared --rules / --only-rule / --disable-rule options."""
        return cls(tuple(args.rules), tuple(args.only_rule), tuple(args.disable_rule))


class Policy(NamedTuple):
    """What makes a run fail."""

    min_confidence: str = "medium"
    fail_on: str = "low"  # lowest severity that fails

    def blocks(self, finding: Finding) -> bool:
        """Whether this finding fails the run; a suppressed one never does."""
        return (
            finding.suppressed is None
            and CONFIDENCE_ORDER[finding.confidence] >= CONFIDENCE_ORDER[self.min_confidence]
            and self.fails_on(finding.rule.severity)
        )

    def fails_on(self, severity: str) -> bool:
        return SEVERITY_ORDER[severity] >= SEVERITY_ORDER[self.fail_on]


class Result:
    __slots__ = ("findings", "paths", "rooted", "stale", "stats", "suppressed")

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.suppressed: list[Finding] = []
        self.stats = Stats()
        self.paths: list[str] = []  # every path scanned, as displayed
        self.stale: list[Entry] = []  # baseline entries that matched nothing
        self.rooted = False  # paths are relative to the repository root (history), not the cwd


def load_rules(config: Config, selection: Selection, examples: bool = False) -> list[Rule]:
    extra = [*(str(config.root / p) for p in config.rules), *selection.extra_packs]
    loaded = rule_packs.load(extra, examples=examples)
    chosen = rule_packs.select(
        loaded, selection.only or config.enable, (*config.disable, *selection.disable)
    )
    if config.entropy:
        rule_packs.check_known(loaded, config.entropy)
        chosen = [
            r._replace(entropy=config.entropy[r.id]) if r.id in config.entropy else r
            for r in chosen
        ]
    return chosen


def scan_blobs(blobs: Iterable[Blob], matcher: Matcher, config: Config) -> Result:
    return scan_entries(((blob, None) for blob in blobs), matcher, config)


# A tree this large is worth a second process (each worker loads the engine: ~50 ms).
PARALLEL_BYTES = 4 * 1024 * 1024
PARALLEL_FILES = 200
_CHUNK_FILES = 64


def scan_files(
    listing: Sequence[tuple[str, Path]], matcher: Matcher, config: Config, max_size: int
) -> Result:
    """Scan listed files, in worker processes when the tree is large; the same result, in the
    same order, either way."""
    from pat_scan import parallel

    excluded = config.excluder()
    wanted = [(display, str(real)) for display, real in listing if not excluded(display)]
    chunks = [wanted[i : i + _CHUNK_FILES] for i in range(0, len(wanted), _CHUNK_FILES)]
    work = functools.partial(scan_file_chunk, max_size=max_size)
    result = Result()
    if len(wanted) < len(listing):
        result.stats.skipped["excluded"] = len(listing) - len(wanted)
    workers = parallel.jobs()
    if workers > 1 and _large(wanted):
        with parallel.pool(workers, matcher.rules) as pool:
            parts = list(pool.imap(work, chunks))
    else:
        parallel.use_matcher(matcher)
        parts = [work(chunk) for chunk in chunks]
    for part in parts:
        _merge(result, part)
    return _suppress(result, config)


def scan_file_chunk(chunk: Sequence[tuple[str, str]], max_size: int) -> Result:
    """Read and scan some files with this process's engine (run in a worker, or in place);
    suppression is left to the caller."""
    from pat_scan import parallel
    from pat_scan.sources import files

    blobs = files.read_all(((display, Path(real)) for display, real in chunk), max_size)
    return _unsuppressed(((blob, None) for blob in blobs), parallel.matcher())


def _merge(result: Result, part: Result) -> None:
    result.stats.files += part.stats.files
    result.stats.bytes += part.stats.bytes
    result.stats.skipped.update(part.stats.skipped)
    result.paths.extend(part.paths)
    result.findings.extend(part.findings)


def _large(files: Sequence[tuple[str, str]]) -> bool:
    if len(files) < PARALLEL_FILES:
        return False
    total = 0
    for _, real in files:
        try:
            total += os.stat(real).st_size
        except OSError:
            continue
        if total >= PARALLEL_BYTES:
            return True
    return False


def scan_entries(
    entries: Iterable[tuple[Blob, FileChange | None]], matcher: Matcher | None, config: Config
) -> Result:
    """Scan each blob; with a change, keep only findings on lines that change added. The
    matcher may be None when every blob is skipped (nothing to build an engine for)."""
    return _suppress(_unsuppressed(entries, matcher), config)


def _unsuppressed(
    entries: Iterable[tuple[Blob, FileChange | None]], matcher: Matcher | None
) -> Result:
    result = Result()
    for blob, change in entries:
        if blob.skipped:
            result.stats.skipped[blob.skipped] += 1
            continue
        assert matcher is not None, "a blob to scan needs an engine"
        result.stats.files += 1
        result.stats.bytes += len(blob.data)
        result.paths.append(blob.path)
        for finding in scan_bytes(matcher, blob.data, blob.path):
            if change is None:
                result.findings.append(finding)
            elif change.touches(finding.line, finding.end_line):
                commit = {"sha": change.commit} if change.commit else None
                result.findings.append(finding._replace(commit=commit))
    return result


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
