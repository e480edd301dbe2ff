"""`--verify` against local servers that implement each provider's documented identity call:
what each provider reveals (identity, scopes, expiry, token type), driven through the real CLI
on real repositories."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import SHARED, bad_token, git, token
from tests.verify.provider_server import (
    ALNUM,
    HEX,
    LETTERS,
    Behaviour,
    Server,
    fresh,
    verify_args,
)

SCHEMA_PATH = SHARED / "schemas" / "sarif-schema-2.1.0.json"


def verified(cli: Any, repo: Path, server: Server, *extra: str, command: str = "scan") -> Any:
    """Run `COMMAND --verify --format json` against the local server; the JSON report."""
    result = cli(
        command,
        *verify_args(server.url),
        *extra,
        cwd=repo,
    )
    assert result.code in (0, 1), result.err
    return result


def only(report: Any) -> dict[str, Any]:
    (finding,) = report.json()["findings"]
    return dict(finding["verification"])


# name, the secret, the line that holds it, behaviour, what verification must say
CASES: list[tuple[str, Callable[[], str], str, Behaviour, dict[str, Any]]] = [
    (
        "gitlab",
        lambda: token("gitlab_routable_crc", "glpat-"),
        'GITLAB_TOKEN = "{}"',
        Behaviour(scopes="api, read_user", expires="2027-01-31", user_id=42),
        {
            "identity": {"user_id": "42", "token_name": "deploy script"},
            "scopes": ["api", "read_user"],
            "expires_at": "2027-01-31T00:00:00Z",
        },
    ),
    (
        "npm",
        lambda: token("npm_crc32", "npm_"),
        'NPM_TOKEN = "{}"',
        Behaviour(login="pkg-bot"),
        {"identity": {"username": "pkg-bot"}, "scopes": None, "expires_at": None},
    ),
    (
        "slack",
        lambda: token("slack_token", "xoxb"),
        'SLACK_BOT_TOKEN = "{}"',
        Behaviour(login="deploybot", scopes="chat:write,channels:read"),
        {
            "identity": {
                "user": "deploybot",
                "user_id": "W12345678",
                "bot_id": "B12345678",
                "team": "Acme",
                "team_id": "T12345678",
                "url": "https://acme.slack.com/",
            },
            "scopes": ["chat:write", "channels:read"],
            "expires_at": "never",
        },
    ),
    (
        "openai",
        lambda: token("openai_marker", "sk-proj-"),
        'OPENAI_API_KEY = "{}"',
        Behaviour(),
        {"identity": {"organization": "org-acme", "project": "proj_123"}, "scopes": None},
    ),
    (
        "stripe",
        lambda: fresh("sk_live_", ALNUM, 99),
        'STRIPE_KEY = "{}"',
        Behaviour(),
        {
            "identity": {
                "account": "acct_1Acme",
                "email": "billing@acme.example",
                "name": "Acme Inc",
            },
            "scopes": ["full API access"],
        },
    ),
    (
        "sendgrid",
        lambda: fresh("SG.", ALNUM, 22) + "." + fresh("", ALNUM, 43),
        'SENDGRID_API_KEY = "{}"',
        Behaviour(scopes="mail.send, api_keys.read"),
        {"identity": {}, "scopes": ["mail.send", "api_keys.read"]},
    ),
    (
        "huggingface",
        lambda: fresh("hf_", LETTERS, 34),
        'HF_TOKEN = "{}"',
        Behaviour(login="ml-team", scopes="write"),
        {
            "identity": {"name": "ml-team", "type": "user", "token_name": "ci"},
            "scopes": ["write"],
            "expires_at": "never",
        },
    ),
    (
        "digitalocean",
        lambda: fresh("dop_v1_", HEX, 64),
        'DIGITALOCEAN_TOKEN = "{}"',
        Behaviour(),
        {
            "identity": {
                "email": "sammy@acme.example",
                "uuid": "b6fr89dbf6d9156cace5f3c78dc9851d957381ef",
                "team": "Acme",
                "status": "active",
            }
        },
    ),
]


@pytest.mark.parametrize(
    ("name", "make", "line", "behaviour", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_each_provider_says_who_and_what(
    repo: Path,
    cli: Any,
    server: Server,
    name: str,
    make: Callable[[], str],
    line: str,
    behaviour: Behaviour,
    expected: dict[str, Any],
) -> None:
    secret = make()
    server.tokens[secret] = behaviour
    (repo / "config.py").write_text(line.format(secret) + "\n")
    report = verified(cli, repo, server)
    assert secret not in report.out + report.err
    record = only(report)
    assert record["status"] == "active", record
    assert record["provider"] == name
    for key, value in expected.items():
        assert record[key] == value, key
    assert record["revoke_at"] and record["checked_at"]
    assert len(server.requests) == 1  # one read-only call
    request = server.requests[0]
    sent = request.headers.get("authorization", "") + request.headers.get("private-token", "")
    assert secret in sent  # in a header, never in the URL
    assert secret not in request.path


def test_github_token_types(repo: Path, cli: Any, server: Server) -> None:
    classic, oauth, app_user = (
        token(arg=p, seed=i) for i, p in enumerate(("ghp_", "gho_", "ghu_"))
    )
    fine = fresh("github_pat_", ALNUM, 22) + "_" + fresh("", ALNUM, 59)
    server.tokens[classic] = Behaviour(scopes="repo, admin:org")
    server.tokens[oauth] = Behaviour(scopes="read:user", login="oauth-user")
    server.tokens[app_user] = Behaviour(scopes=None, expires="2030-01-31 12:00:00 UTC")
    server.tokens[fine] = Behaviour(scopes=None, expires="2030-02-28 08:30:00 UTC")
    lines = [
        f"{name} = '{value}'"
        for name, value in (("A", classic), ("B", oauth), ("C", app_user), ("D", fine))
    ]
    (repo / "tokens.py").write_text("\n".join(lines) + "\n")
    found = {
        f["rule_id"]: f["verification"] for f in verified(cli, repo, server).json()["findings"]
    }
    pat = found["github-pat-classic"]
    assert pat["token_type"] == "personal access token (classic)"
    assert pat["identity"] == {"login": "octocat", "user_id": "583231", "type": "User"}
    assert pat["scopes"] == ["repo", "admin:org"] and pat["expires_at"] == "never"
    assert found["github-oauth-token"]["identity"]["login"] == "oauth-user"
    assert found["github-oauth-token"]["token_type"] == "OAuth app access token"
    user = found["github-user-to-server-token"]
    assert user["expires_at"] == "2030-01-31T12:00:00Z" and user["scopes"] is None
    assert "GitHub App" in user["permissions_note"]
    fine_grained = found["github-pat-fine-grained"]
    assert fine_grained["status"] == "active" and fine_grained["scopes"] is None
    assert fine_grained["expires_at"] == "2030-02-28T08:30:00Z"
    assert "cannot be read" in fine_grained["permissions_note"]  # said plainly
    assert sorted(server.paths()) == ["/user"] * 4
    for request in server.requests:
        assert request.headers["x-github-api-version"] == "2022-11-28"


def test_installation_token_lists_its_repositories(repo: Path, cli: Any, server: Server) -> None:
    installation = token(arg="ghs_", seed=7)
    server.tokens[installation] = Behaviour(
        login="acme", expires="2026-12-01 22:00:00 UTC", repositories=("api", "web", "infra")
    )
    (repo / "ci.env").write_text(f"GITHUB_TOKEN={installation}\n")
    record = only(verified(cli, repo, server))
    assert record["status"] == "active"
    assert record["identity"] == {"installation_owner": "acme", "repositories": "3 (selected)"}
    assert record["scopes"] == [
        "repository:acme/api",
        "repository:acme/web",
        "repository:acme/infra",
    ]
    assert record["expires_at"] == "2026-12-01T22:00:00Z"
    assert server.paths() == ["/installation/repositories?per_page=100"]  # /user would 403


def test_refresh_tokens_are_not_used_up(repo: Path, cli: Any, server: Server) -> None:
    (repo / "app.env").write_text(f"REFRESH={token(arg='ghr_', seed=3)}\n")
    record = only(verified(cli, repo, server))
    assert record["status"] == "unknown" and "exchanging" in record["detail"]
    assert server.requests == []


def test_revoked_and_invalid_are_told_apart(repo: Path, cli: Any, server: Server) -> None:
    revoked_gitlab = token("gitlab_routable_crc", "glpat-", seed=1)
    expired_gitlab = token("gitlab_routable_crc", "glpat-", seed=2)
    revoked_slack = token("slack_token", "xoxp", seed=3)
    server.tokens[revoked_gitlab] = Behaviour("revoked")
    server.tokens[expired_gitlab] = Behaviour("expired")
    server.tokens[revoked_slack] = Behaviour("revoked")
    unknown_github = token(seed=4)  # the server has never heard of it: 401 Bad credentials
    unknown_slack = token("slack_token", "xoxb", seed=5)  # invalid_auth
    values = [revoked_gitlab, expired_gitlab, revoked_slack, unknown_github, unknown_slack]
    (repo / "old.py").write_text("".join(f"T{i} = '{v}'\n" for i, v in enumerate(values)))
    report = verified(cli, repo, server)
    assert report.code == 1  # revoked tokens are still findings: the history keeps them
    by_line = {f["line"]: f["verification"] for f in report.json()["findings"]}
    assert [by_line[n]["status"] for n in range(1, 6)] == [
        "revoked",
        "invalid",
        "revoked",
        "invalid",
        "invalid",
    ]
    assert "expired" in by_line[2]["reason"]
    assert "invalid_auth" in by_line[5]["reason"]
    assert "nothing left to rotate" in by_line[1]["advice"]


def test_a_failed_checksum_is_invalid_without_a_request(
    repo: Path, cli: Any, server: Server
) -> None:
    (repo / "fixture.py").write_text(f"FAKE = '{bad_token()}'\n")
    record = only(verified(cli, repo, server))
    assert record["status"] == "invalid" and "checksum" in record["reason"]
    assert server.requests == []


def test_one_request_per_unique_secret(repo: Path, cli: Any, server: Server) -> None:
    secret = token(seed=9)
    server.tokens[secret] = Behaviour()
    for name in ("a.py", "b.py", "c.py"):
        (repo / name).write_text(f"TOKEN = '{secret}'\nAGAIN = '{secret}'\n")
    findings = verified(cli, repo, server).json()["findings"]
    assert len(findings) == 6 and {f["verification"]["status"] for f in findings} == {"active"}
    assert len(server.requests) == 1


def test_facts_raise_the_severity_and_say_what_to_do(repo: Path, cli: Any, server: Server) -> None:
    installation = token(arg="ghs_", seed=11)  # a high-severity rule
    server.tokens[installation] = Behaviour(expires=None, scopes=None)
    gitlab = token("gitlab_routable_crc", "glpat-", seed=12)
    server.tokens[gitlab] = Behaviour(scopes="api, sudo", expires=None)
    (repo / "deploy.sh").write_text(f"export GH={installation}\nexport GL={gitlab}\n")
    findings = verified(cli, repo, server).json()["findings"]
    ghs, glpat = sorted(findings, key=lambda f: f["line"])
    assert ghs["severity"] == "critical" and ghs["verification"]["severity_before"] == "high"
    assert ghs["verification"]["expires_at"] is None  # GitHub sent no header: not "never"
    risks = glpat["verification"]["risks"]
    assert any("api" in r for r in risks) and any("sudo" in r for r in risks)
    advice = glpat["verification"]["advice"]
    assert "scopes api, sudo" in advice and "never expires" in advice
    assert f"Revoke it now: {server.url}/-/user_settings/" in advice and "read_api" in advice
    text = cli("scan", *verify_args(server.url, "text"), cwd=repo)
    assert "deploy.sh:2:11: ACTIVE: acts as user id 583231" in text.out.replace("\n", " ")
    assert "minted at run time" in ghs["verification"]["advice"]


def test_text_report_puts_active_tokens_first(repo: Path, cli: Any, server: Server) -> None:
    live_token = token(seed=21)
    server.tokens[live_token] = Behaviour()
    (repo / "a_dead.py").write_text(f"T = '{token(seed=22)}'\n")
    (repo / "b_live.py").write_text(f"T = '{live_token}'\n")
    out = cli("scan", *verify_args(server.url, "text"), cwd=repo).out
    lines = out.splitlines()
    assert lines[0].startswith("b_live.py:1:6: github-pat-classic")
    assert lines[1].strip().startswith("verified ACTIVE: login octocat")
    assert lines[2].startswith("a_dead.py:1:6:")
    assert "verification: 1 active, 1 invalid" in lines[-1]
    assert live_token not in out


def test_sarif_carries_the_record_and_raises_the_level(
    repo: Path, cli: Any, server: Server
) -> None:
    secret = token(seed=31)
    server.tokens[secret] = Behaviour()
    (repo / "a.py").write_text(f"T = '{secret}'\n")
    result = cli(
        "scan",
        *verify_args(server.url, "sarif"),
        "--min-confidence",
        "high",
        "--fail-on",
        "critical",
        cwd=repo,
    )
    (run,) = json.loads(result.out)["runs"]
    (sarif_result,) = run["results"]
    assert sarif_result["level"] == "error"
    verification = sarif_result["properties"]["verification"]
    assert verification["status"] == "active" and verification["identity"]["login"] == "octocat"
    assert secret not in result.out
    if SCHEMA_PATH.is_file():
        import jsonschema

        schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
        jsonschema.Draft4Validator(schema).validate(json.loads(result.out))


def test_history_findings_are_verified(repo: Path, cli: Any, server: Server) -> None:
    secret = token(seed=41)
    server.tokens[secret] = Behaviour(login="former-employee")
    (repo / "old.py").write_text(f"T = '{secret}'\n")
    git(repo, "add", "old.py")
    git(repo, "commit", "-qm", "add")
    git(repo, "rm", "-q", "old.py")
    git(repo, "commit", "-qm", "remove")
    report = verified(cli, repo, server, command="history")
    (finding,) = report.json()["findings"]
    assert finding["commit"]["present_at_head"] in ("false", False)
    assert finding["verification"]["identity"]["login"] == "former-employee"
