"""What many test modules share: generated credentials, git in a temporary repository, and the
real CLI as a subprocess. Fixtures live in conftest.py; plain helpers live here."""

from __future__ import annotations

import builtins
import json
import os
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pat_scan.findings import Finding
from pat_scan.results import Result
from pat_scan.rules import Rule
from pat_scan.validators import CHECKS

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
VECTORS = SHARED / "vectors" / "peer_examples.jsonl"


def needs_shared(path: Path) -> None:
    """Skip the calling test, saying why, when shared material beside the repository is absent."""
    if not path.is_file():
        pytest.skip(f"{path} is absent: it comes with ../shared beside the repository (CI has it)")


def token(kind: str = "github_crc32", arg: str = "ghp_", seed: int = 0) -> str:
    """A fresh, checksum-valid credential: tests never hold literal tokens."""
    return CHECKS[kind].generate(random.Random(seed), arg)


def bad_token(seed: int = 0) -> str:
    """A ghp_ token whose checksum fails (a typical fake in a fixture)."""
    good = token(seed=seed)
    last = "A" if good[-1] != "A" else "B"
    return good[:-1] + last


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, check=check, capture_output=True, text=True)


def commit_files(repo: Path, files: dict[str, str | None], message: str = "change") -> str:
    """Write (or with None delete) files, commit them all, return the commit id."""
    for name, text in files.items():
        path = repo / name
        if text is None:
            git(repo, "rm", "-q", name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        git(repo, "add", name)
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD").stdout.strip()


def try_commit(repo: Path, *args: str) -> tuple[bool, str]:
    """`git commit` with its hooks: (whether it was made, what git and the hooks printed)."""
    result = git(repo, "commit", "-qm", "msg", *args, check=False)
    return result.returncode == 0, result.stdout + result.stderr


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def run_process(
    *args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> Run:
    """Run `python -m pat_scan ARGS` as a real process."""
    completed = subprocess.run(
        [sys.executable, "-m", "pat_scan", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    return Run(completed.returncode, completed.stdout, completed.stderr)


# Records for reporter and attribution tests, built by hand.


def make_rule(rule_id: str, severity: str, **fields: Any) -> Rule:
    values: dict[str, Any] = {
        "id": rule_id,
        "name": f"{rule_id.replace('-', ' ').capitalize()}",
        "description": f"A {rule_id} credential.",
        "severity": severity,
        "keywords": (rule_id[:3],),
        "regex": "(?P<secret>x)",
        "remediation": f"Revoke it on the {rule_id} console, then create a new one.",
        "pack": "test",
        "source": "test.yaml",
        "max_width": 100,
        "tags": ("test-provider",),
        "references": (f"https://example.invalid/{rule_id}",),
    }
    values.update(fields)
    return Rule(**values)


def make_finding(rule: Rule, path: str, line: int, secret: str, **fields: Any) -> Finding:
    values: dict[str, Any] = {
        "rule": rule,
        "path": path,
        "line": line,
        "column": 5,
        "end_line": line,
        "end_column": 5 + len(secret),
        "secret": secret,
        "confidence": "high",
        "line_text": f"key={secret}",
    }
    values.update(fields)
    return Finding(**values)


def result_of(findings: list[Finding], suppressed: list[Finding] | None = None) -> Result:
    result = Result()
    result.findings = findings
    result.suppressed = suppressed or []
    result.stats.files = len({f.path for f in findings})
    result.stats.bytes = 1234
    return result


def refuse_to_open(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Opening any file called `name` fails with EACCES (chmod 0 stops no one running as
    root, as CI does)."""
    real_open = builtins.open

    def refusing_open(path: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(path, (str, os.PathLike)) and os.path.basename(path) == name:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", refusing_open)
