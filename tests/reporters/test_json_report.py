"""The JSON report: every shape it takes (scan, hook, push, history, suppressed, stale baseline
entries) is valid against the schema that ships in the package, with real booleans and integers,
and never holds a secret unless asked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pat_scan.findings import identity
from pat_scan.reporters.json_report import SCHEMA_FILE, SCHEMA_VERSION
from tests.helpers import bad_token, git, run_process, token


@pytest.fixture(scope="module")
def valid() -> Any:
    import jsonschema

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    def check(document: dict[str, Any]) -> dict[str, Any]:
        validator.validate(document)
        return document

    return check


def commit_all(repo: Path, message: str, date: str = "2024-01-01T00:00:00Z") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, f"--date={date}")


def test_scan_report(repo: Path, cli: Any, valid: Any) -> None:
    secret = token()
    (repo / "a.py").write_text(f"\n  t = '{secret}'\n")
    doc = valid(cli("scan", "--format", "json", cwd=repo).json())
    assert doc["version"] == SCHEMA_VERSION == 2
    (finding,) = doc["findings"]
    assert finding == {
        "rule_id": "github-pat-classic",
        "rule_name": "GitHub personal access token (classic)",
        "severity": "critical",
        "confidence": "high",
        "blocking": True,
        "path": "a.py",
        "line": 2,
        "column": 8,
        "end_line": 2,
        "end_column": 8 + len(secret),
        "secret": secret[:6] + "…",
        "redacted": True,
        "fingerprint": identity("github-pat-classic", secret),
    }
    assert doc["stats"]["files_scanned"] == 1 and doc["stats"]["blocking"] == 1


def test_suppressed_stale_and_notes(repo: Path, cli: Any, valid: Any) -> None:
    import base64

    allowed, encoded, fake = token(seed=1), token(seed=2), bad_token(seed=3)
    (repo / "a.py").write_text(
        f"A = '{allowed}'  # pat-scan: allow\n"
        f"B = '{base64.b64encode(f'token={encoded}'.encode()).decode()}'\nC = '{fake}'\n"
    )
    (repo / ".pat-scan-baseline.json").write_text(
        json.dumps(
            {
                "version": 1,
                "entries": [{"rule": "github-pat-classic", "fingerprint": "0" * 32, "path": "x"}],
            }
        )
    )
    doc = valid(cli("scan", "--format", "json", "--show-suppressed", cwd=repo).json())
    by_line = {f["line"]: f for f in doc["findings"]}
    assert by_line[2]["note"] == "base64" and "note" not in by_line[3]
    assert by_line[3]["blocking"] is False  # a failed checksum: low confidence
    assert [s["reason"] for s in doc["suppressed"]] == ["inline marker"]
    assert doc["stale_baseline"][0]["path"] == "x"
    assert not any(s in json.dumps(doc) for s in (allowed, encoded, fake))


def test_redact_none_is_the_only_way_to_the_secret(repo: Path, cli: Any, valid: Any) -> None:
    secret = token()
    (repo / "a.py").write_text(f"t = '{secret}'\n")
    doc = valid(cli("scan", "--format", "json", "--redact", "none", cwd=repo).json())
    assert doc["findings"][0]["secret"] == secret and doc["findings"][0]["redacted"] is False


def test_history_report_types(repo: Path, cli: Any, valid: Any) -> None:
    secret = token(seed=7)
    (repo / "keys.py").write_text(f"KEY = '{secret}'\n")
    commit_all(repo, f"add it, and {token(seed=8)} in the message")
    (repo / "other.py").write_text(f"AGAIN = '{secret}'\n")
    commit_all(repo, "again", date="2024-01-02T00:00:00Z")
    doc = valid(cli("history", "--format", "json", cwd=repo).json())
    by_path = {f["path"]: f for f in doc["findings"]}
    commit = by_path["keys.py"]["commit"]
    assert commit["present_at_head"] is True and commit["occurrences"] == 2
    assert set(commit) == {"sha", "author", "email", "date", "present_at_head", "occurrences"}
    message = by_path["(commit message)"]["commit"]
    assert message["present_at_head"] is False and message["occurrences"] == 1


def test_pushed_commit_has_only_its_sha(repo: Path, valid: Any) -> None:
    (repo / "README").write_text("hi\n")
    commit_all(repo, "first")
    base = git(repo, "rev-parse", "HEAD").stdout.strip()
    (repo / "a.py").write_text(f"T = '{token(seed=9)}'\n")
    commit_all(repo, "add")
    head = git(repo, "rev-parse", "HEAD").stdout.strip()
    run = run_process(
        "hook",
        "--format",
        "json",
        cwd=repo,
        env={"PRE_COMMIT_FROM_REF": base, "PRE_COMMIT_TO_REF": head},
    )
    assert run.code == 1, run.err
    (finding,) = valid(run.json())["findings"]
    assert finding["commit"] == {"sha": head}
