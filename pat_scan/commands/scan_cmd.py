"""`pat-scan scan [PATH...]`: files and directories, git-aware; `-` reads standard input."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pat_scan.config import parse_size

if TYPE_CHECKING:
    from pat_scan.options import ReportOptions
    from pat_scan.results import Result
    from pat_scan.session import Session


def register(commands: Any, *parents: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "scan",
        parents=parents,
        help="scan files and directories (default: .)",
        description="Scan files and directories for hardcoded credentials. Inside a git work "
        "tree, tracked and untracked-not-ignored files; elsewhere, or with --no-git, every file.",
    )
    add_scan_options(parser)
    parser.set_defaults(handler=run)


def add_scan_options(parser: argparse.ArgumentParser) -> None:
    """What to scan: shared by `scan` and the `baseline` commands."""
    parser.add_argument(
        "paths",
        nargs="*",
        default=["."],
        metavar="PATH",
        help="files or directories; '-' reads standard input",
    )
    parser.add_argument(
        "--no-git",
        action="store_true",
        help="walk directories without asking git what is tracked or ignored",
    )
    add_size_option(parser)


def add_size_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-file-size",
        type=_size,
        metavar="SIZE",
        help="skip larger files, e.g. 10MB (default: 10MB)",
    )


def run(args: argparse.Namespace) -> int:
    from pat_scan.commands.common import finish, report_options
    from pat_scan.commands.verify_cmd import verify_options

    options = report_options(args)
    session, result = collect(args, options)
    full = args.paths == ["."] and Path.cwd().resolve() == session.root.resolve()
    # Which baseline entries this scan can judge stale: with no baseline, none to judge (and no
    # pass over every scanned path to find out).
    scope = None if full or session.baseline_path is None else _scanned(result, session)
    return finish(options, session, result, "scan", scope, verify_options(args))


def collect(args: argparse.Namespace, options: ReportOptions) -> tuple[Session, Result]:
    """Scan the paths the arguments name; suppression by baseline is left to the caller."""
    from pat_scan import scan
    from pat_scan.commands.common import rule_options
    from pat_scan.session import Session

    session = Session(
        scan.default_root(args.paths), rule_options(args), options, args.max_file_size
    )
    if args.paths == ["-"]:
        return session, scan.scan_stdin(session)
    return session, scan.scan_paths(session, args.paths, use_git=not args.no_git)


def _scanned(result: Result, session: Session) -> set[str]:
    from pat_scan.suppress.baseline import root_relative

    return {root_relative(path, session.root) for path in result.paths}


def _size(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 10MB") from None
