"""`pat-scan history [REPO] [A..B]`: every secret ever committed, on any branch or tag.

Each unique blob is scanned once; a secret is reported once, at the first commit that added it,
with how many file versions and commit messages hold it and whether HEAD still does.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any

from pat_scan.commands.scan_cmd import add_size_option

if TYPE_CHECKING:
    from pat_scan.options import HistoryOptions


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
        type=_positive,
        metavar="N",
        help="worker processes (default: the number of CPUs; 1 scans in this process)",
    )
    add_size_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from pat_scan import git
    from pat_scan.commands.common import finish, report_options, rule_options
    from pat_scan.commands.progress import TerminalProgress
    from pat_scan.commands.verify_cmd import verify_options
    from pat_scan.errors import EXIT_INTERRUPTED, UsageError
    from pat_scan.history import pipeline
    from pat_scan.results import Result
    from pat_scan.session import Session

    repo, options = _targets(args)
    if not Path(repo).is_dir():
        raise UsageError(f"{repo}: not a directory")
    root = Path(repo).resolve()
    git.common_dir(root)  # not a repository: GitError, exit 3
    report = report_options(args)
    session = Session(git.toplevel(root) or root, rule_options(args), report, args.max_file_size)
    # Entries are judged stale only by scans of the work tree: history keeps old versions.
    if not pipeline.has_commits(root, options):
        print(f"pat-scan: {repo}: no commits to scan", file=sys.stderr)
        return finish(report, session, Result(), "history", stale_scope=set())
    session.matcher  # rules and engine before the progress line starts git  # noqa: B018
    progress = TerminalProgress(root, options.revisions)
    try:
        result = pipeline.scan(root, session, options, progress)
    finally:
        progress.stop()
    if result.interrupted:
        print("pat-scan: interrupted: reporting what was found so far", file=sys.stderr)
    code = finish(report, session, result, "history", set(), verify_options(args))
    return EXIT_INTERRUPTED if result.interrupted else code


def _targets(args: argparse.Namespace) -> tuple[str, HistoryOptions]:
    """(repository, which history to scan)."""
    from pat_scan.errors import UsageError
    from pat_scan.options import HistoryOptions

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
    options = HistoryOptions(
        revisions=(*selected, *since),
        commit_messages=not args.no_commit_messages,
        incremental=args.incremental,
        jobs=args.jobs,
    )
    return repo or ".", options


def _positive(text: str) -> int:
    """A count of at least one (--jobs)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes (1 or more)")
    return value
