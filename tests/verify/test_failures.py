"""What happens when a provider cannot answer: 401s aside, every documented error mode (403 with
rate-limit headers, 429 with Retry-After, 404, 5xx, answers slower than the timeout, malformed
bodies, nothing listening) ends as `unknown` with its reason, for every provider, and never
turns a finding off."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import token
from tests.verify.provider_server import (
    ALNUM,
    HEX,
    LETTERS,
    Behaviour,
    Server,
    fresh,
    verify_args,
)


def one_of_each() -> dict[str, str]:
    """A token for every online provider, by the rule that finds it."""
    return {
        "github-pat-classic": token(seed=1),
        "github-server-to-server-token": token(arg="ghs_", seed=2),
        "gitlab-pat-routable": token("gitlab_routable_crc", "glpat-", seed=3),
        "npm-access-token": token("npm_crc32", "npm_", seed=4),
        "slack-bot-token": token("slack_token", "xoxb", seed=5),
        "openai-project-key": token("openai_marker", "sk-proj-", seed=6),
        "stripe-live-secret-key": fresh("sk_live_", ALNUM, 99),
        "sendgrid-api-key": fresh("SG.", ALNUM, 22) + "." + fresh("", ALNUM, 43),
        "huggingface-access-token": fresh("hf_", LETTERS, 34),
        "digitalocean-pat": fresh("dop_v1_", HEX, 64),
    }


def run_all(cli: Any, repo: Path, url: str, *extra: str, fmt: str = "json") -> Any:
    tokens = one_of_each()
    (repo / "keys.py").write_text("".join(f"K{i} = '{v}'\n" for i, v in enumerate(tokens.values())))
    return cli(
        "scan",
        *verify_args(url, fmt),
        *extra,
        cwd=repo,
    )


@pytest.mark.parametrize(
    ("kind", "reason", "detail"),
    [
        ("error", "server error", "HTTP 500"),
        ("missing", "unexpected response", "HTTP 404"),
        ("malformed", "unexpected response", "malformed body"),
        ("slow", "timeout", "no answer within 0.4 s"),
        ("rate-limited", "rate-limited", ""),
    ],
)
def test_every_provider_fails_closed(
    repo: Path, cli: Any, server: Server, kind: str, reason: str, detail: str
) -> None:
    tokens = one_of_each()
    for value in tokens.values():
        server.tokens[value] = Behaviour(kind)
    timeout = "0.4" if kind == "slow" else "10"  # the machine is shared: only "slow" is tight
    result = run_all(cli, repo, server.url, "--verify-timeout", timeout)
    assert result.code == 1  # still findings: a failure to verify never turns one off
    findings = result.json()["findings"]
    assert {f["rule_id"] for f in findings} == set(tokens)
    for finding in findings:
        record = finding["verification"]
        assert (record["status"], record["reason"]) == ("unknown", reason), finding["rule_id"]
        assert detail in (record["detail"] or ""), finding["rule_id"]
        assert "treat it as live" in record["advice"]
    summary = result.json()["verification"]
    assert summary["unknown"] == len(tokens) and summary["unknown_reasons"] == {reason: len(tokens)}
    for value in tokens.values():
        assert value not in result.out + result.err


def test_rate_limit_headers_stop_further_requests(repo: Path, cli: Any, server: Server) -> None:
    first, second = token(seed=11), token(seed=12)
    server.tokens[first] = Behaviour("rate-limited")  # 403, X-RateLimit-Remaining: 0, reset in 1 h
    server.tokens[second] = Behaviour()
    (repo / "a.py").write_text(f"A = '{first}'\nB = '{second}'\n")
    result = cli(
        "scan",
        *verify_args(server.url),
        "--verify-jobs",
        "1",
        cwd=repo,
    )
    records = [f["verification"] for f in result.json()["findings"]]
    assert [r["reason"] for r in records] == ["rate-limited", "rate-limited"]
    assert "retry in" in records[0]["detail"]
    assert len(server.requests) == 1  # the host asked for an hour's pause: not asked again


def test_a_short_retry_after_is_waited_for_once(repo: Path, cli: Any, server: Server) -> None:
    secret = token("npm_crc32", "npm_", seed=13)
    server.tokens[secret] = Behaviour("retry-once", login="patient")  # 429, Retry-After: 1
    (repo / "a.py").write_text(f"NPM_TOKEN = '{secret}'\n")
    result = cli(
        "scan",
        *verify_args(server.url),
        cwd=repo,
    )
    (finding,) = result.json()["findings"]
    assert finding["verification"]["identity"] == {"username": "patient"}
    assert len(server.requests) == 2


def test_nothing_listening_is_offline(repo: Path, cli: Any) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    result = run_all(cli, repo, closed, fmt="text")
    assert result.code == 1
    assert "not verified: offline (cannot connect)" in result.out
    assert "10 could not be verified (10 offline)" in result.out


def test_findings_without_a_verifier_are_counted(repo: Path, cli: Any, server: Server) -> None:
    (repo / "a.py").write_text(f"TELEGRAM = '{token('telegram_bot', '')}'\n")
    result = cli("scan", *verify_args(server.url, "text"), cwd=repo)
    assert result.code == 1
    assert "not verified: no verifier for this rule" in result.out
    assert "1 could not be verified (1 no verifier for this rule)" in result.out
    assert server.requests == []
