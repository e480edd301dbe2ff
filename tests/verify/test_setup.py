"""How verification is switched on and reached: never without being asked (no socket at all),
a clear error without the extra, configuration keys and environment variables, TLS with a CA
bundle, proxies from the environment, the result cache, and the two offline-or-signed
providers (PyPI caveats, AWS STS through botocore)."""

from __future__ import annotations

import base64
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import trustme

from tests.helpers import Run, git, run_process, token
from tests.verify.provider_server import Behaviour, Server, running, verify_args, write_ca

AUDITED = """
import sys
def audit(event, args):
    if event.startswith("socket."):
        sys.stderr.write("SOCKET " + event + "\\n")
sys.addaudithook(audit)
from pat_scan.cli import main
sys.exit(main(sys.argv[1:]))
"""


def python_c(script: str, *args: str, cwd: Path, env: dict[str, str] | None = None) -> Run:
    """`python -c SCRIPT ARGS` as a real process (the CLI under an audit hook or a blocker)."""
    completed = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    return Run(completed.returncode, completed.stdout, completed.stderr)


def audited(repo: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    return python_c(AUDITED, *args, cwd=repo, env=env)


def test_no_socket_is_opened_without_verify(repo: Path, server: Server) -> None:
    secret = token(seed=1)
    server.tokens[secret] = Behaviour()
    (repo / ".pat-scan.yaml").write_text(f"github-api-url: {server.url}\nverify-cache-ttl: 0\n")
    (repo / "a.py").write_text(f"A = '{secret}'\n")
    git(repo, "add", "a.py")
    git(repo, "commit", "-qm", "add")
    (repo / "b.py").write_text(f"B = '{secret}'\n")
    git(repo, "add", "b.py")
    env = {"PAT_SCAN_GITHUB_API_URL": server.url}
    for command in (["scan"], ["history"], ["hook"]):
        result = audited(repo, *command, env=env)
        assert result.code == 1, result.err
        assert "SOCKET" not in result.err, command
    # `verify: true` turns scan and history on, never the hook
    (repo / ".pat-scan.yaml").write_text(f"github-api-url: {server.url}\nverify: true\n")
    hook = audited(repo, "hook", env=env)
    assert hook.code == 1 and "SOCKET" not in hook.err and server.requests == []
    # the audit hook does see sockets when verification is on (it is not blind)
    for command in (["hook", "--verify"], ["scan"]):
        result = audited(repo, *command, "--verify-cache-ttl", "0", env=env)
        assert "SOCKET socket.connect" in result.err, command
        assert "verified ACTIVE" in result.out
    assert len(server.requests) == 2


def test_without_the_extra_verify_is_a_usage_error(repo: Path, tmp_path: Path) -> None:
    (repo / "a.py").write_text(f"A = '{token()}'\n")
    blocked = "import sys; sys.modules['httpx'] = None\n" + AUDITED
    report = tmp_path / "r.json"
    run_process("scan", "--format", "json", "--output", str(report), cwd=repo)
    for args in (["scan", "--verify"], ["verify", str(report)], ["revoke", str(report), "--yes"]):
        result = python_c(blocked, *args, cwd=repo)
        assert result.code == 2, result.err
        assert "pip install 'pat-scan[verify]'" in result.err
        assert "Traceback" not in result.err


def test_configuration_and_environment(
    repo: Path, cli: Any, server: Server, monkeypatch: Any
) -> None:
    secret = token("npm_crc32", "npm_", seed=2)
    server.tokens[secret] = Behaviour(login="from-config")
    (repo / "a.py").write_text(f"NPM = '{secret}'\n")
    (repo / ".pat-scan.yaml").write_text(
        f"verify: true\nverify-cache-ttl: 0\nprovider-urls: {{npm: '{server.url}'}}\n"
    )
    result = cli("scan", "--format", "json", cwd=repo)
    (finding,) = result.json()["findings"]
    assert finding["verification"]["identity"] == {"username": "from-config"}
    ghp = token(seed=3)
    server.tokens[ghp] = Behaviour(login="from-env")
    (repo / "a.py").write_text(f"GH = '{ghp}'\n")
    monkeypatch.setenv("PAT_SCAN_GITHUB_API_URL", server.url)
    (finding,) = cli("scan", "--format", "json", cwd=repo).json()["findings"]
    assert finding["verification"]["identity"]["login"] == "from-env"


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ("verify: please\n", "'verify'"),
        ("github-api-url: ftp://example.invalid\n", "'github-api-url'"),
        ("provider-urls: {npm: 3}\n", "'provider-urls.npm'"),
        ("ca-bundle: missing.pem\n", "'ca-bundle'"),
        ("verify-cache-ttl: -1\n", "'verify-cache-ttl'"),
    ],
)
def test_bad_configuration_names_the_key(repo: Path, cli: Any, config: str, key: str) -> None:
    (repo / ".pat-scan.yaml").write_text(config)
    result = cli("scan", cwd=repo)
    assert result.code == 2 and f"key {key}" in result.err and ".pat-scan.yaml" in result.err


def test_bad_options_are_usage_errors(repo: Path, cli: Any) -> None:
    (repo / "a.py").write_text(f"A = '{token()}'\n")
    for args, message in (
        (["--provider-url", "npm"], "give NAME=URL"),
        (["--github-api-url", "api.github.com"], "not an http(s) URL"),
        (["--ca-bundle", "nowhere.pem"], "no such file"),
    ):
        result = cli("scan", "--verify", *args, cwd=repo)
        assert result.code == 2 and message in result.err, result.err


def test_tls_with_a_custom_ca_bundle(repo: Path, cli: Any, tmp_path: Path) -> None:
    ca = trustme.CA()
    bundle = write_ca(ca, tmp_path)
    secret = token(seed=4)
    (repo / "a.py").write_text(f"A = '{secret}'\n")
    with running(ca) as tls:
        tls.tokens[secret] = Behaviour(login="ghes-user")
        assert tls.url.startswith("https://")
        base = ["scan", *verify_args()]
        untrusted = cli(*base, "--github-api-url", f"{tls.url}", cwd=repo)
        (finding,) = untrusted.json()["findings"]
        assert finding["verification"]["reason"] == "TLS error"
        trusted = cli(*base, "--github-api-url", tls.url, "--ca-bundle", str(bundle), cwd=repo)
        (finding,) = trusted.json()["findings"]
        assert finding["verification"]["identity"]["login"] == "ghes-user"


def test_proxies_come_from_the_environment(
    repo: Path, cli: Any, server: Server, monkeypatch: Any
) -> None:
    secret = token("npm_crc32", "npm_", seed=5)
    server.tokens[secret] = Behaviour(login="via-proxy")
    (repo / "a.py").write_text(f"NPM = '{secret}'\n")
    monkeypatch.setenv("HTTP_PROXY", server.url)  # the test server answers as the proxy
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    result = cli(
        "scan",
        *verify_args(None),
        "--provider-url",
        "npm=http://registry.example.invalid",
        cwd=repo,
    )
    (finding,) = result.json()["findings"]
    assert finding["verification"]["identity"] == {"username": "via-proxy"}
    assert server.paths() == ["http://registry.example.invalid/-/whoami"]  # absolute form


def test_results_are_cached_by_fingerprint_without_the_secret(
    repo: Path, cli: Any, server: Server
) -> None:
    from pat_scan import cache

    entry = cache.directory() / "verify-results.json"  # the session's cache keeps its rules
    entry.unlink(missing_ok=True)
    live_token, slow_token = token(seed=6), token(seed=7)
    server.tokens[live_token] = Behaviour()
    server.tokens[slow_token] = Behaviour("error")
    (repo / "a.py").write_text(f"A = '{live_token}'\nB = '{slow_token}'\n")
    args = ["scan", "--verify", "--format", "json", "--github-api-url", server.url]
    first = cli(*args, cwd=repo).json()["findings"]
    time.sleep(1.1)  # a later run, a later second: the cached record keeps its own time
    assert [f["verification"]["cached"] for f in first] == [False, False]
    again = cli(*args, cwd=repo).json()["findings"]
    assert [f["verification"]["cached"] for f in again] == [True, False]  # unknown: asked again
    assert again[0]["verification"]["identity"]["login"] == "octocat"
    assert again[0]["verification"]["checked_at"] == first[0]["verification"]["checked_at"]
    assert len(server.requests) == 3
    cached = entry.read_bytes()
    assert live_token.encode() not in cached and slow_token.encode() not in cached
    cli(*args, "--verify-cache-ttl", "0", cwd=repo)
    assert len(server.requests) == 5
    entry.unlink()


def _macaroon(caveats: list[Any]) -> str:
    """A PyPI token with these caveats (the binary v2 format; a random signature)."""

    def field(kind: int, value: bytes) -> bytes:
        assert len(value) < 128
        return bytes([kind, len(value)]) + value

    rng = random.Random(len(caveats))
    body = (
        b"\x02" + field(1, b"pypi.org") + field(2, json.dumps({"version": 1, "id": "x"}).encode())
    )
    body += b"\x00" + b"".join(field(2, json.dumps(c).encode()) + b"\x00" for c in caveats)
    body += b"\x00" + bytes([6, 32]) + rng.randbytes(32)
    return "pypi-" + base64.urlsafe_b64encode(body).decode().rstrip("=")


def test_pypi_tokens_are_decoded_offline(repo: Path, cli: Any, server: Server) -> None:
    user_wide = token("pypi_macaroon", "")
    scoped = _macaroon([[1, ["pat-scan", "other"]], [0, 4_102_444_800, 1_700_000_000]])
    expired = _macaroon(
        [{"permissions": {"projects": ["old"]}, "version": 1}, {"exp": 1_600_000_000, "nbf": 1}]
    )
    (repo / ".env.local").write_text(f"A={user_wide}\nB={scoped}\nC={expired}\n")
    (repo / "tokens.txt").write_text(f"A={user_wide}\nB={scoped}\nC={expired}\n")
    result = cli("scan", "tokens.txt", "--verify", "--format", "json", cwd=repo)
    records = [f["verification"] for f in result.json()["findings"]]
    assert [r["status"] for r in records] == ["unknown", "unknown", "invalid"]
    assert records[0]["reason"] == "no online check; facts decoded from the token itself"
    assert records[0]["scopes"] == ["upload:all projects of the user"]
    assert records[0]["expires_at"] == "never"
    assert any("all projects" in r for r in records[0]["risks"])
    assert records[1]["scopes"] == ["upload:pat-scan", "upload:other"]
    assert records[1]["expires_at"] == "2100-01-01T00:00:00Z"
    assert records[2]["scopes"] == ["upload:old"] and "expired" in records[2]["reason"]
    assert server.requests == []


def test_aws_keys_through_sts(repo: Path, cli: Any, server: Server) -> None:
    key_id = token("aws_key_id", "AKIA", seed=8)
    other_id = token("aws_key_id", "AKIA", seed=9)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    rng = random.Random(8)
    secret = "".join(rng.choice(alphabet) for _ in range(40))
    wrong = secret[::-1]
    server.aws_keys[key_id] = secret
    server.aws_keys[other_id] = secret
    (repo / "good.ini").write_text(
        f"aws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"
    )
    (repo / "wrong.ini").write_text(
        f"aws_access_key_id = {other_id}\naws_secret_access_key = {wrong}\n"
    )
    (repo / "alone.ini").write_text(f"aws_access_key_id = {token('aws_key_id', 'AKIA', seed=10)}\n")
    result = cli(
        "scan",
        *verify_args(None),
        "--provider-url",
        f"aws={server.url}",
        cwd=repo,
    )
    records = {(f["path"], f["rule_id"]): f["verification"] for f in result.json()["findings"]}
    good = records[("good.ini", "aws-access-key-id")]
    assert good["status"] == "active", good
    assert good["identity"] == {
        "account": "123456789012",
        "arn": "arn:aws:iam::123456789012:user/deploy",
        "user_id": "AIDAEXAMPLEUSERID",
    }
    partner = records[("good.ini", "aws-secret-access-key")]  # checked together
    assert (partner["status"], partner["identity"]) == ("active", good["identity"])
    assert "does not match" in records[("wrong.ini", "aws-access-key-id")]["reason"]
    alone = records[("alone.ini", "aws-access-key-id")]
    assert alone["status"] == "unknown" and "alone" in alone["detail"]
    assert secret not in result.out
    assert len(server.requests) == 2
    assert all("AWS4-HMAC-SHA256" in r.headers["authorization"] for r in server.requests)
    assert sys.modules.get("botocore") is not None
