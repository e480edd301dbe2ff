"""pat-scan install-hook / uninstall-hook: the native hook, which fails closed without pat-scan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pat_scan.commands.install_cmd import MARKER
from tests.helpers import git, try_commit


def test_install_refuses_foreign_hook_and_uninstall_removes_ours(repo: Path, cli: Any) -> None:
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text("#!/bin/sh\necho mine\n")
    refused = cli("install-hook", cwd=repo)
    assert refused.code == 2 and "--force" in refused.err
    assert hook.read_text() == "#!/bin/sh\necho mine\n"
    assert cli("uninstall-hook", cwd=repo).code == 2  # not ours
    assert cli("install-hook", "--force", cwd=repo).code == 0
    assert MARKER in hook.read_text()
    assert cli("install-hook", cwd=repo).code == 0  # ours: rewriting is fine
    assert cli("uninstall-hook", cwd=repo).code == 0
    assert not hook.exists()


def test_native_hook_fails_closed_when_pat_scan_is_gone(hooked: Path) -> None:
    hook = hooked / ".git" / "hooks" / "pre-commit"
    hook.write_text(
        hook.read_text()
        .replace("-x ", "-x /nonexistent")
        .replace("command -v pat-scan", "command -v pat-scan-not-installed")
    )
    (hooked / "a.py").write_text("x = 1\n")
    git(hooked, "add", "a.py")
    ok, output = try_commit(hooked)
    assert not ok and "pat-scan is not installed" in output
