"""Importing other scanners' baselines: detect-secrets, a gitleaks report and .gitleaksignore."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from tests.suppress.helpers import BASELINE, write_secret


def test_import_detect_secrets(repo: Path, cli: Any) -> None:
    secret = write_secret(repo)
    other = write_secret(repo, name="other.py", seed=3)
    sha1 = hashlib.sha1(secret.encode()).hexdigest()
    (repo / ".secrets.baseline").write_text(
        json.dumps(
            {
                "version": "1.5.0",
                "plugins_used": [],
                "results": {
                    "app.py": [
                        {
                            "type": "GitHub Token",
                            "filename": "app.py",
                            "hashed_secret": sha1,
                            "is_verified": False,
                            "line_number": 99,
                        },
                    ]
                },
            }
        )
    )
    result = cli("baseline", "import", ".secrets.baseline", cwd=repo)
    assert result.code == 0 and "imported 1 entry" in result.out
    remaining = cli("scan", "--format", "json", cwd=repo).json()["findings"]
    assert [f["path"] for f in remaining] == ["other.py"]
    stored = (repo / BASELINE).read_text()
    assert other not in stored
    assert [entry["path"] for entry in json.loads(stored)["entries"]] == ["app.py"]


def test_import_gitleaks_report_and_ignore_file(repo: Path, cli: Any) -> None:
    write_secret(repo)
    write_secret(repo, name="b.py", seed=4)
    write_secret(repo, name="c.py", seed=5)
    (repo / "report.json").write_text(
        json.dumps(
            [
                {"RuleID": "github-pat", "File": "app.py", "StartLine": 2, "Secret": "REDACTED"},
            ]
        )
    )
    assert "imported 1 entry" in cli("baseline", "import", "report.json", cwd=repo).out
    (repo / ".gitleaksignore").write_text(f"# accepted\n{'a' * 40}:b.py:github-pat:2\n")
    assert "imported 1 entry" in cli("baseline", "import", ".gitleaksignore", cwd=repo).out
    remaining = cli("scan", "--format", "json", cwd=repo).json()["findings"]
    assert [f["path"] for f in remaining] == ["c.py"]
    (repo / "bad.txt").write_text("not a fingerprint\n")
    assert cli("baseline", "import", "bad.txt", cwd=repo).code == 2
