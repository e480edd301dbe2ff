"""One repository's work, wherever it runs (a child process of the local pool or of a Dask
worker): mirror it, skip it if nothing changed since its last scan, else scan its history
incrementally. What travels back is an `Outcome`: redacted findings and counts, never a secret."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from pat_scan import __version__, git
from pat_scan.config import Config
from pat_scan.engine import Matcher
from pat_scan.errors import GitError
from pat_scan.findings import Commit, Finding, InCommit, InFile, InMessage, Origin
from pat_scan.fleet import mirror
from pat_scan.fleet.repos import Repo
from pat_scan.results import Result
from pat_scan.rules import Rule

SCANNED, UNCHANGED, FAILED = "scanned", "unchanged", "failed"
# Failures that another try may not repeat; the others (auth, not found, shallow, ...) would.
PASSING = frozenset({"clone timeout", "fetch timeout", "scan timeout", "crash", "network"})


class Setup(NamedTuple):
    """What the client settled once for every repository: the rules, configuration and size
    limit, and a digest of everything in them that decides findings."""

    version: str  # pat-scan's: a worker with another version would find other things
    rules: tuple[Rule, ...]
    config: Config
    max_size: int
    commit_messages: bool
    digest: str


def make_setup(rules: Sequence[Rule], config: Config, max_size: int, messages: bool) -> Setup:
    from pat_scan.rules import findings_fingerprint

    decisive = [
        __version__,
        findings_fingerprint(rules),
        str(max_size),
        str(messages),
        *config.exclude,
        "\0",
        *config.allow,
        "\0",
        *config.stopwords,
    ]
    digest = hashlib.sha256("\0".join(decisive).encode()).hexdigest()[:32]
    return Setup(__version__, tuple(rules), config, max_size, messages, digest)


class Task(NamedTuple):
    repo: Repo
    previous: str | None  # digest of its last scan (heads and setup): equal means unchanged
    cache_dir: str | None  # None: the default of the machine it runs on
    attempt: int = 1


class Located(NamedTuple):
    """A finding as it travels and is kept: where it is, who it is, its redacted preview."""

    rule_id: str
    fingerprint: str
    preview: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    confidence: str
    note: str | None
    sha: str | None
    author: str | None
    email: str | None
    date: str | None
    at_head: bool | None
    occurrences: int | None
    in_message: bool


class Outcome(NamedTuple):
    key: str  # the repository's
    status: str  # scanned | unchanged | failed
    reason: str | None = None  # why it failed, in a word or two
    detail: str | None = None  # what git or the process said
    heads: tuple[tuple[str, str], ...] = ()  # (ref, object id) as scanned
    digest: str | None = None
    findings: tuple[Located, ...] = ()
    files: int = 0
    bytes: int = 0
    started: float = 0.0  # seconds since the epoch
    seconds: float = 0.0  # the whole task
    mirror_seconds: float = 0.0
    scan_seconds: float = 0.0
    attempt: int = 1
    worker: str = ""


def failed(task: Task, reason: str, detail: str, started: float | None = None) -> Outcome:
    now = time.time()
    began = now if started is None else started
    return Outcome(
        task.repo.key,
        FAILED,
        reason,
        detail,
        started=began,
        seconds=now - began,
        attempt=task.attempt,
    )


def run(task: Task, setup: Setup, matcher: Matcher, stage: Callable[[str], None]) -> Outcome:
    """Mirror and scan one repository; any failure is an outcome, never an exception."""
    started, clock = time.time(), time.monotonic()
    if setup.version != __version__:
        detail = f"this worker runs pat-scan {__version__}, the client {setup.version}"
        return failed(task, "version mismatch", detail, started)
    cache = Path(task.cache_dir) if task.cache_dir else mirror.default_cache_dir()
    path = mirror.location(cache, task.repo)
    try:
        with mirror.locked(path):
            mirror.update(task.repo, path, stage)
            mirrored = time.monotonic()
            heads = tuple(git.refs(path))
            digest = heads_digest(setup.digest, heads, git.resolve_commit(path, "HEAD"))
            if digest == task.previous:
                return _outcome(task, UNCHANGED, heads, digest, Result(), started, clock, mirrored)
            stage("scan")
            result = _scan(path, setup, matcher)
    except mirror.MirrorFailure as exc:
        return failed(task, exc.reason, exc.detail, started)
    except GitError as exc:
        reason = mirror.cause(str(exc))
        return failed(
            task, reason if reason == "missing objects" else "git error", str(exc), started
        )
    except Exception as exc:  # a bug must fail this repository, not the run
        return failed(task, "crash", describe(exc), started)
    outcome = _outcome(task, SCANNED, heads, digest, result, started, clock, mirrored)
    if result.stats.unscanned:  # what it found is reported, and the run fails closed
        detail = "; ".join(f"{path}: {why}" for path, why in sorted(result.stats.unscanned.items()))
        return outcome._replace(status=FAILED, reason="partly checked", detail=detail, digest=None)
    return outcome


def heads_digest(setup_digest: str, heads: Sequence[tuple[str, str]], head: str | None) -> str:
    lines = [setup_digest, head or "", *(f"{ref} {oid}" for ref, oid in heads)]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:32]


def _scan(path: Path, setup: Setup, matcher: Matcher) -> Result:
    """The history scan `pat-scan history --incremental` makes, in this process (repositories,
    not blobs, are what a fleet spreads over processors); its store lives in the mirror."""
    from pat_scan.history import pipeline
    from pat_scan.options import HistoryOptions
    from pat_scan.session import Session

    options = HistoryOptions(
        revisions=("--all",), commit_messages=setup.commit_messages, incremental=True, jobs=1
    )
    if not pipeline.has_commits(path, options):
        return Result()
    session = Session.prepared(path, setup.config, matcher, setup.max_size)
    result = pipeline.scan(path, session, options)
    if result.interrupted:
        raise KeyboardInterrupt  # not a result: the child is being stopped
    return result


def _outcome(
    task: Task,
    status: str,
    heads: tuple[tuple[str, str], ...],
    digest: str,
    result: Result,
    started: float,
    clock: float,
    mirrored: float,
) -> Outcome:
    now = time.monotonic()
    return Outcome(
        task.repo.key,
        status,
        heads=heads,
        digest=digest,
        findings=tuple(located(f) for f in result.findings),
        files=result.stats.files,
        bytes=result.stats.bytes,
        started=started,
        seconds=now - clock,
        mirror_seconds=mirrored - clock,
        scan_seconds=now - mirrored,
        attempt=task.attempt,
    )


def located(finding: Finding) -> Located:
    origin = finding.origin
    commit = finding.commit
    history = not isinstance(origin, InFile)
    return Located(
        finding.rule.id,
        finding.fingerprint,
        finding.preview,
        finding.path,
        finding.line,
        finding.column,
        finding.end_line,
        finding.end_column,
        finding.confidence,
        finding.note,
        commit.sha if commit else None,
        commit.author if commit else None,
        commit.email if commit else None,
        commit.date if commit else None,
        origin.at_head if history else None,  # type: ignore[union-attr]
        origin.occurrences if history else None,  # type: ignore[union-attr]
        isinstance(origin, InMessage),
    )


def finding(item: Located, rule: Rule) -> Finding:
    """The finding again, as reporters take it: its fingerprint kept, its secret only the
    redacted preview (as a finding read back from the history store)."""
    origin: Origin = InFile()
    if item.sha is not None:
        commit = Commit(item.sha, item.author, item.email, item.date)
        kind = InMessage if item.in_message else InCommit
        origin = kind(commit, item.at_head, item.occurrences)
    return Finding(
        rule=rule,
        path=item.path,
        line=item.line,
        column=item.column,
        end_line=item.end_line,
        end_column=item.end_column,
        secret=item.preview,
        confidence=item.confidence,
        line_text="",
        origin=origin,
        note=item.note,
        stored=item.fingerprint,
    )


def describe(exc: BaseException) -> str:
    """An exception's type and where it was raised, never its message: a message might quote
    the bytes that were being scanned."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return f"{type(exc).__name__}{where}"
