"""`pat-scan scan [PATH...]`: files and directories, git-aware; `-` reads standard input."""

from __future__ import annotations

import argparse
from typing import Any

from pat_scan.config import parse_size


def register(commands: Any, *parents: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "scan",
        parents=parents,
        help="scan files and directories (default: .)",
        description="Scan files and directories for hardcoded credentials. Inside a git work "
        "tree, tracked and untracked-not-ignored files; elsewhere, or with --no-git, every file.",
    )
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
    parser.set_defaults(handler=run)


def add_size_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-file-size",
        type=_size,
        metavar="SIZE",
        help="skip larger files, e.g. 10MB (default: 10MB)",
    )


def run(args: argparse.Namespace) -> int:
    from pat_scan import scan
    from pat_scan.commands.common import Prepared, emit
    from pat_scan.sources import DEFAULT_MAX_FILE_SIZE, files

    prepared = Prepared(args, scan.default_root(args.paths))
    config = prepared.config
    max_size = args.max_file_size or config.max_file_size or DEFAULT_MAX_FILE_SIZE
    if args.paths == ["-"]:
        blobs = iter([files.stdin_blob(max_size)])
    else:
        blobs = files.blobs(
            args.paths, use_git=not args.no_git, max_size=max_size, excluded=config.excluder()
        )
    result = scan.scan_blobs(blobs, prepared.matcher, config)
    return emit(args, result, prepared.policy, "scan")


def _size(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 10MB") from None
