"""pat-scan install-hook / uninstall-hook: the native hook, which fails closed without pat-scan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pat_scan.commands.install_cmd import MARKER
from tests.helpers import git, token, try_commit


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


def test_native_hook_is_friendly_when_pat_scan_left_its_environment(
    repo: Path, tmp_path: Path
) -> None:
    """The interpreter the hook names is still there, but pat-scan was uninstalled from it: the
    hook says so (and stops the commit) instead of "No module named pat_scan"."""
    import os
    import site
    import subprocess
    import sys

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    packages = subprocess.run(
        [python, "-c", "import site; print(site.getsitepackages()[0])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    installed = Path(packages) / "pat-scan.pth"  # pat-scan and its dependencies, as installed
    # this environment's installation (pat-scan, however installed, and its dependencies)
    installed.write_text(
        "".join(f"import site; site.addsitedir({p!r})\n" for p in site.getsitepackages())
    )
    env = {**os.environ, "PATH": "/usr/bin:/bin"}  # no other pat-scan on PATH
    subprocess.run([python, "-m", "pat_scan", "install-hook"], cwd=repo, env=env, check=True)
    (repo / "a.py").write_text(f"x = '{token()}'\n")
    git(repo, "add", "a.py")
    committed = subprocess.run(
        ["git", "commit", "-qm", "m"], cwd=repo, env=env, capture_output=True, text=True
    )
    assert committed.returncode != 0 and "github-pat-classic" in committed.stderr
    installed.unlink()  # pip uninstall pat-scan
    committed = subprocess.run(
        ["git", "commit", "-qm", "m"], cwd=repo, env=env, capture_output=True, text=True
    )
    assert committed.returncode != 0
    assert "pat-scan is not installed" in committed.stderr
    assert "No module named" not in committed.stderr
