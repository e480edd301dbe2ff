"""`pat-scan scan [PATH...]`: files and directories, git-aware; `-` reads standard input."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pat_scan.config import parse_size

if TYPE_CHECKING:
    from pat_scan.commands.common import Prepared
    from pat_scan.scan import Result


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
    from pat_scan.commands.common import finish

    prepared, result = collect(args)
    full = args.paths == ["."] and Path.cwd().resolve() == prepared.root.resolve()
    return finish(args, prepared, result, "scan", None if full else _scanned(result, prepared))


def collect(args: argparse.Namespace) -> tuple[Prepared, Result]:
    """Scan the paths the arguments name; suppression by baseline is left to the caller."""
    from pat_scan import scan
    from pat_scan.commands.common import Prepared
    from pat_scan.sources import files

    prepared = Prepared(args, scan.default_root(args.paths))
    config = prepared.config
    max_size = prepared.max_size
    if args.paths == ["-"]:
        return prepared, scan.scan_blobs([files.stdin_blob(max_size)], prepared.matcher, config)
    listing = files.listing(args.paths, use_git=not args.no_git)
    return prepared, scan.scan_files(listing, prepared.matcher, config, max_size)


def _scanned(result: Result, prepared: Prepared) -> set[str]:
    from pat_scan.suppress.baseline import root_relative

    return {root_relative(path, prepared.root) for path in result.paths}


def _size(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 10MB") from None
