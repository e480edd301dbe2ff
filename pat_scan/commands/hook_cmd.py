"""`pat-scan hook [FILE...]`: the pre-commit framework's entry point, right in every mode.

- pre-push (pre-commit sets PRE_COMMIT_FROM_REF / PRE_COMMIT_TO_REF): what the pushed commits add.
- inside `git commit` (git exports GIT_INDEX_FILE to its hooks): what the staged blobs add, read
  from that index, never the work tree; a secret already in HEAD does not block an unrelated edit.
- `pre-commit run --files F` / `--all-files` (files have no staged change): the files, whole.
With no files and outside a commit, it checks what `git commit` would add now.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from pat_scan.commands.scan_cmd import add_size_option


def register(commands: Any, *parents: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "hook",
        parents=parents,
        help="pre-commit / pre-push hook (see .pre-commit-hooks.yaml)",
        description="Block a commit or push that adds a credential. Under `git commit`, scans the "
        "staged content and reports only lines the commit adds; under `pre-commit run --files` or "
        "`--all-files`, scans the files whole; under pre-push, what the pushed commits add.",
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="files passed by pre-commit")
    add_size_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pat_scan import git, scan
    from pat_scan.commands.common import finish, report_options, rule_options
    from pat_scan.commands.verify_cmd import verify_options
    from pat_scan.errors import GitError
    from pat_scan.options import HookOptions
    from pat_scan.session import Session

    root = git.toplevel(Path.cwd())
    if root is None:
        raise GitError("not inside a git work tree: the hook scans what git is about to commit")
    hook = HookOptions(
        files=tuple(args.files),
        from_ref=os.environ.get("PRE_COMMIT_FROM_REF"),
        to_ref=os.environ.get("PRE_COMMIT_TO_REF"),
        in_commit="GIT_INDEX_FILE" in os.environ,
    )
    options = report_options(args)
    session = Session(root, rule_options(args), options, args.max_file_size)
    result = scan.scan_hook(session, hook)
    kind = "push" if hook.from_ref and hook.to_ref else "hook"
    return finish(options, session, result, kind, set(), verify_options(args))
