"""The wheel carries every rule pack, and a non-editable install loads them."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.helpers import REPO_ROOT, token


@pytest.mark.slow
def test_wheel_ships_every_pack_and_a_plain_install_uses_them(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(REPO_ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("pat_scan-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    packs = sorted(p.name for p in (REPO_ROOT / "rules").glob("*.yaml"))
    assert packs
    assert {f"pat_scan/packs/{name}" for name in packs} <= names
    assert "pat_scan/reporters/report-schema.json" in names
    assert {"pat_scan/fleet/fleet-schema.json", "pat_scan/fleet/child.py"} <= names
    assert "pat_scan/engine/judge_model.json" in names  # the credential judge ships too

    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "a.txt").write_text(f"t={token()}\n")
    probe = subprocess.run(
        [str(python), "-c", "import pat_scan.packs as p; print(p.__file__)"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(env_dir) in probe.stdout  # the installed copy, not this checkout
    listing = subprocess.run(
        [str(env_dir / "bin" / "pat-scan"), "rules", "list"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"{len(_rule_ids())} rules" in listing.stdout
    scan = subprocess.run(
        [str(env_dir / "bin" / "pat-scan"), "scan", "--no-git", "."],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
    )
    assert scan.returncode == 1
    assert "github-pat-classic" in scan.stdout


def _rule_ids() -> list[str]:
    from pat_scan import rules

    return [r.id for r in rules.load()]
