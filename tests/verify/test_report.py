"""`pat-scan verify REPORT.json` and `pat-scan revoke REPORT.json`: secrets are read again from
the files, blobs and commit messages a JSON report names (the report holds none), and GitHub
tokens go to the revocation API unauthenticated, at most 1,000 a request."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.helpers import git, run_process, token
from tests.verify.provider_server import Behaviour, Server, url_options


def report_of(cli: Any, repo: Path, *command: str) -> Path:
    path = repo.parent / "report.json"
    result = cli(*command, "--format", "json", "--output", str(path), cwd=repo)
    assert result.code == 1, result.err
    return path


def verify(cli: Any, repo: Path, server: Server, report: Path, *extra: str) -> Any:
    return cli(
        "verify",
        str(report),
        "--format",
        "json",
        "--verify-cache-ttl",
        "0",
        *url_options(server.url),
        *extra,
        cwd=repo,
    )


def test_verify_a_scan_report(repo: Path, cli: Any, server: Server) -> None:
    live_token, dead_token = token(seed=1), token(seed=2)
    server.tokens[live_token] = Behaviour(login="alice")
    (repo / "app.py").write_text(f"A = '{live_token}'\n")
    (repo / "old.py").write_text(f"B = '{dead_token}'\n")
    report = report_of(cli, repo, "scan")
    assert live_token not in report.read_text() and dead_token not in report.read_text()
    result = verify(cli, repo, server, report)
    assert result.code == 1
    assert live_token not in result.out + result.err
    by_path = {f["path"]: f["verification"] for f in result.json()["findings"]}
    assert by_path["app.py"]["identity"]["login"] == "alice"
    assert by_path["old.py"]["status"] == "invalid"
    assert len(server.requests) == 2
    valid_report(result.json())


def valid_report(document: dict[str, Any]) -> None:
    """A verified report is valid against the schema that ships in the package."""
    import jsonschema

    from pat_scan.reporters.json_report import SCHEMA_FILE

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)


def test_a_secret_that_moved_or_changed(repo: Path, cli: Any, server: Server) -> None:
    moved, changed = token(seed=3), token(seed=4)
    server.tokens[moved] = Behaviour()
    (repo / "a.py").write_text(f"A = '{moved}'\n")
    (repo / "b.py").write_text(f"B = '{changed}'\n")
    report = report_of(cli, repo, "scan")
    (repo / "a.py").write_text(f"# a comment above\nA = '{moved}'\n")  # found by scanning again
    (repo / "b.py").write_text("B = os.environ['B']\n")  # the secret is gone
    result = verify(cli, repo, server, report)
    by_path = {f["path"]: f["verification"] for f in result.json()["findings"]}
    assert by_path["a.py"]["status"] == "active"
    assert by_path["b.py"]["status"] == "unknown"
    assert by_path["b.py"]["detail"] == "b.py:1 no longer holds this secret"
    assert result.code == 1  # still reported
    unredacted = repo.parent / "full.json"
    cli("scan", "--format", "json", "--redact", "none", "--output", str(unredacted), cwd=repo)
    (repo / "a.py").write_text("A = None\n")  # now neither secret can be read again
    again = verify(cli, repo, server, unredacted)
    assert moved not in again.out  # the report held it (--redact none); the output does not


def test_an_encoded_secret_is_found_again(repo: Path, cli: Any, server: Server) -> None:
    import base64

    secret = token(seed=5)
    server.tokens[secret] = Behaviour(login="k8s")
    encoded = base64.b64encode(f"token={secret}".encode()).decode()
    (repo / "secret.yaml").write_text(f"data:\n  config: {encoded}\n")
    report = report_of(cli, repo, "scan")
    result = verify(cli, repo, server, report)
    (finding,) = result.json()["findings"]
    assert finding["note"] == "base64"
    assert finding["verification"]["identity"]["login"] == "k8s"


def committed_then_removed(repo: Path, secret: str, in_message: str = "") -> None:
    (repo / "deploy.py").write_text(f"TOKEN = '{secret}'\n")
    git(repo, "add", "deploy.py")
    git(repo, "commit", "-qm", f"deploy {in_message}")
    git(repo, "rm", "-q", "deploy.py")
    git(repo, "commit", "-qm", "remove it")


def test_verify_a_history_report_from_blobs_and_messages(
    repo: Path, cli: Any, server: Server
) -> None:
    secret, in_message = token(seed=6), token(seed=60)
    server.tokens[secret] = Behaviour(login="bob")
    server.tokens[in_message] = Behaviour(login="bob")
    committed_then_removed(repo, secret, in_message)
    report = report_of(cli, repo, "history")
    result = verify(cli, repo, server, report)
    records = {f["path"]: f["verification"] for f in result.json()["findings"]}
    assert set(records) == {"deploy.py", "(commit message)"}
    assert {r["identity"]["login"] for r in records.values()} == {"bob"}
    assert len(server.requests) == 2


def test_history_reports_of_the_new_layout(repo: Path, cli: Any, server: Server) -> None:
    """Schema version 2 (bool and int fields), and a `blob` id where a report names one."""
    secret = token(seed=7)
    server.tokens[secret] = Behaviour()
    committed_then_removed(repo, secret)
    report = report_of(cli, repo, "history", "--no-commit-messages")
    document = json.loads(report.read_text())
    (finding,) = document["findings"]
    commit = finding["commit"]
    blob = git(repo, "rev-parse", f"{commit['sha']}:deploy.py").stdout.strip()
    commit.update(sha="0" * 40, blob=blob, present_at_head=False, occurrences=1)  # blob wins
    report.write_text(json.dumps(document))
    (verified,) = verify(cli, repo, server, report).json()["findings"]
    assert verified["verification"]["status"] == "active"
    assert verified["commit"]["present_at_head"] is False


def test_bad_reports_are_usage_errors(repo: Path, cli: Any, tmp_path: Path) -> None:
    (tmp_path / "text.json").write_text("pat-scan: no secrets found\n")
    (tmp_path / "partial.json").write_text(json.dumps({"findings": [{"rule_id": "x"}]}))
    for name, message in (
        ("text.json", "not a JSON report"),
        ("partial.json", "finding 1 lacks path"),
        ("absent.json", "cannot read the report"),
    ):
        result = cli("verify", str(tmp_path / name), cwd=repo)
        assert result.code == 2 and message in result.err, result.err


def test_revoke_submits_unauthenticated_and_records_the_answer(
    repo: Path, cli: Any, server: Server
) -> None:
    classic, fine = token(seed=8), token(arg="gho_", seed=9)
    gitlab = token("gitlab_routable_crc", "glpat-", seed=10)
    server.tokens[classic] = Behaviour()
    (repo / "a.py").write_text(f"A = '{classic}'\nB = '{fine}'\nC = '{gitlab}'\n")
    report = report_of(cli, repo, "scan")
    result = cli(
        "revoke", str(report), "--yes", "--format", "json", *url_options(server.url), cwd=repo
    )
    assert result.code == 0, result.err
    assert classic not in result.out + result.err and fine not in result.out
    (request,) = server.requests
    assert request.path == "/credentials/revoke" and "authorization" not in request.headers
    assert sorted(json.loads(request.body)["credentials"]) == sorted([classic, fine])
    (submission,) = result.json()["revocations"]
    assert (
        submission["status"] == 202 and submission["accepted"] and not submission["authenticated"]
    )
    assert {s["secret"] for s in submission["submitted"]} == {classic[:6] + "…", fine[:6] + "…"}
    (manual,) = result.json()["manual"]
    assert manual["rule_id"] == "gitlab-pat-routable"
    assert manual["revoke_at"].startswith(f"{server.url}/-/user_settings/personal_access_tokens")
    after = verify(cli, repo, server, report).json()["findings"]
    assert after[0]["verification"]["status"] == "invalid"  # GitHub now rejects it


def test_revoke_sends_at_most_1000_a_request(repo: Path, cli: Any, server: Server) -> None:
    tokens = [token(seed=100 + i) for i in range(1001)]
    (repo / "many.txt").write_text("".join(f"t{i}={t}\n" for i, t in enumerate(tokens)))
    report = report_of(cli, repo, "scan")
    result = cli("revoke", str(report), "--yes", *url_options(server.url), cwd=repo)
    assert result.code == 0, result.err
    sizes = [len(json.loads(r.body)["credentials"]) for r in server.requests]
    assert sizes == [1000, 1]
    assert result.out.count("GitHub answered HTTP 202 (accepted)") == 2


def test_revoke_needs_a_confirmation(repo: Path, server: Server, tmp_path: Path) -> None:
    secret = token(seed=11)
    (repo / "a.py").write_text(f"A = '{secret}'\n")
    report = tmp_path / "r.json"
    run_process("scan", "--format", "json", "--output", str(report), cwd=repo)
    args = ["revoke", str(report), *url_options(server.url)]
    refused = run_process(*args, cwd=repo, stdin="")  # not a terminal, no --yes
    assert refused.code == 2 and "pass --yes" in refused.err
    assert server.requests == []
    for answer, sent in (("n\n", 0), ("y\n", 1)):
        primary, secondary = pty.openpty()
        process = subprocess.Popen(
            [sys.executable, "-m", "pat_scan", *args],
            cwd=repo,
            stdin=secondary,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=os.environ.copy(),
        )
        os.close(secondary)
        os.write(primary, answer.encode())
        out, err = process.communicate(timeout=60)
        os.close(primary)
        assert process.returncode == 0, err
        assert b"About to revoke 1 GitHub token(s)" in out and secret.encode() not in out
        assert len(server.requests) == sent


def test_reports_made_with_version_1_fingerprints(repo: Path, cli: Any, server: Server) -> None:
    """A report written before fingerprints version 2 still finds its secrets again, both where
    the report says and by scanning again (a moved line)."""
    from pat_scan.fingerprints import legacy_identity

    here, moved = token(seed=11), token(seed=12)
    server.tokens[here] = server.tokens[moved] = Behaviour()
    (repo / "a.py").write_text(f"A = '{here}'\n")
    (repo / "b.py").write_text(f"B = '{moved}'\n")
    report = report_of(cli, repo, "scan")
    document = json.loads(report.read_text())
    for finding, secret in zip(document["findings"], (here, moved), strict=True):
        finding["fingerprint"] = legacy_identity(finding["rule_id"], secret)
    report.write_text(json.dumps(document))
    (repo / "b.py").write_text(f"# above\nB = '{moved}'\n")
    result = verify(cli, repo, server, report)
    assert [f["verification"]["status"] for f in result.json()["findings"]] == ["active"] * 2
