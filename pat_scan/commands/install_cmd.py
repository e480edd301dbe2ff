"""`pat-scan install-hook` / `uninstall-hook`: a native git pre-commit hook for repositories
that do not use the pre-commit framework."""

from __future__ import annotations

import argparse
import shlex
import stat
import sys
from pathlib import Path
from typing import Any

MARKER = "# pat-scan: native pre-commit hook"
_SCRIPT = """#!/bin/sh
{marker} (remove with `pat-scan uninstall-hook`)
# Fails closed: if pat-scan cannot run, the commit is stopped, not waved through.
# The interpreter pat-scan was installed with, if it still has pat-scan (exit {missing}: it
# has not, so try the one on PATH); one Python process either way.
if [ -x {python} ]; then
    {python} -c '{bootstrap}'
    status=$?
    [ "$status" -eq {missing} ] || exit "$status"
fi
if command -v pat-scan >/dev/null 2>&1; then
    exec pat-scan hook
fi
echo "pat-scan: cannot run the pre-commit hook: pat-scan is not installed." >&2
echo "Reinstall it (pip install pat-scan)," >&2
echo "or skip this check once with 'git commit --no-verify'." >&2
exit 3
"""
# Run the hook, or exit MISSING when this interpreter no longer has pat-scan (uninstalled from
# its environment), instead of Python's "No module named pat_scan".
MISSING = 86
_BOOTSTRAP = f"""import sys
try:
    from pat_scan.cli import main
except ModuleNotFoundError as exc:
    if exc.name != "pat_scan":
        raise
    sys.exit({MISSING})
sys.exit(main(["hook"]))"""


def register(commands: Any) -> None:
    install = commands.add_parser("install-hook", help="write .git/hooks/pre-commit")
    install.add_argument("--force", action="store_true", help="replace a different existing hook")
    install.set_defaults(handler=run_install)
    uninstall = commands.add_parser("uninstall-hook", help="remove the hook install-hook wrote")
    uninstall.set_defaults(handler=run_uninstall)


def hook_path() -> Path:
    """Where git looks for the pre-commit hook (respects core.hooksPath and worktrees)."""
    from pat_scan import git
    from pat_scan.errors import GitError

    if git.toplevel(Path.cwd()) is None:
        raise GitError("not inside a git work tree")
    out = git.run(("rev-parse", "--git-path", "hooks/pre-commit")).decode().strip()
    return Path(out).resolve()


def run_install(args: argparse.Namespace) -> int:
    from pat_scan.errors import UsageError

    path = hook_path()
    if path.exists() and MARKER not in _read(path) and not args.force:
        raise UsageError(
            f"{path} already exists and was not written by pat-scan; "
            "use --force to replace it, or call `pat-scan hook` from it"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    script = _SCRIPT.format(
        marker=MARKER, python=shlex.quote(sys.executable), bootstrap=_BOOTSTRAP, missing=MISSING
    )
    path.write_text(script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    print(f"pat-scan: installed {path}")
    return 0


def run_uninstall(args: argparse.Namespace) -> int:
    from pat_scan.errors import UsageError

    path = hook_path()
    if not path.exists():
        print("pat-scan: no pre-commit hook to remove")
        return 0
    if MARKER not in _read(path):
        raise UsageError(f"{path} was not written by pat-scan; leaving it alone")
    path.unlink()
    print(f"pat-scan: removed {path}")
    return 0


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""
