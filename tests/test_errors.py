"""Errors and warnings never print a secret: every value pat-scan echoes from the configuration,
the command line, git or a baseline goes through one redaction (errors.redact_secrets)."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pat_scan.errors import redact_secrets
from pat_scan.validators import CHECKS
from tests.helpers import Run, commit_files, token
from tests.validators.helpers import ARGS

KINDS = [(kind, arg) for kind, args in ARGS.items() for arg in args]


def config(document: object) -> Callable[[Path, str], list[str]]:
    """An error path through `.pat-scan.yaml` holding the token where `document` says TOKEN."""

    def setup(repo: Path, secret: str) -> list[str]:
        text = json.dumps(document).replace("TOKEN", json.dumps(secret)[1:-1])
        (repo / ".pat-scan.yaml").write_text(yaml.safe_dump(json.loads(text)))
        return ["scan", "."]

    return setup


def arguments(*args: str) -> Callable[[Path, str], list[str]]:
    """An error path through the command line, TOKEN standing for the token."""

    def setup(repo: Path, secret: str) -> list[str]:
        return [a.replace("TOKEN", secret) for a in args]

    return setup


def stale_entry(action: str) -> Callable[[Path, str], list[str]]:
    """A baseline entry naming the token as rule and path: listed stale, or pruned."""

    def setup(repo: Path, secret: str) -> list[str]:
        entry = {"rule": secret, "fingerprint": "0" * 32, "path": secret}
        document = {"version": 2, "generated_by": "pat-scan", "entries": [entry]}
        (repo / ".pat-scan-baseline.json").write_text(json.dumps(document))
        return ["baseline", "prune"] if action == "prune" else ["scan", "."]

    return setup


ERROR_PATHS = {
    "bad allow regex": config({"allow": ["(TOKEN"]}),
    "unknown rule in disable": config({"disable": ["TOKEN"]}),
    "unknown rule in enable": config({"enable": ["TOKEN"]}),
    "unknown rule in entropy": config({"entropy": {"TOKEN": 3}}),
    "unknown key": config({"TOKEN": 1}),
    "--only-rule": arguments("scan", "--only-rule", "TOKEN"),
    "--disable-rule": arguments("scan", "--disable-rule", "TOKEN"),
    "path argument": arguments("scan", "TOKEN"),
    "--config": arguments("scan", "--config", "TOKEN"),
    "--rules": arguments("scan", "--rules", "TOKEN"),
    "--baseline": arguments("scan", "--baseline", "TOKEN"),
    "--output": arguments("scan", "--output", "missing/TOKEN"),
    "--format (argparse)": arguments("scan", "--format", "TOKEN"),
    "rules check path": arguments("rules", "check", "TOKEN"),
    "verify report path": arguments("verify", "TOKEN"),
    "history range": arguments("history", "TOKEN..HEAD"),
    "history --range": arguments("history", "--range", "HEAD..TOKEN"),
    "history --branch": arguments("history", "--branch", "TOKEN"),
    "stale baseline entry": stale_entry("scan"),
    "pruned baseline entry": stale_entry("prune"),
}


def leaks(secret: str, printed: str) -> list[str]:
    """The parts of `secret` that `printed` shows: all of it, its second half, or the second
    half of any long base64 run in it (a key block's lines)."""
    parts = [secret, secret[len(secret) // 2 :]]
    parts += [run[len(run) // 2 :] for run in re.findall(r"[A-Za-z0-9+/=]{40,}", secret)]
    return [part for part in parts if part in printed]


def clean(repo: Path) -> None:
    for name in (".pat-scan.yaml", ".pat-scan-baseline.json"):
        (repo / name).unlink(missing_ok=True)


@pytest.fixture
def committed(repo: Path) -> Path:
    commit_files(repo, {"a.txt": "nothing to see\n"})
    return repo


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(kind=st.sampled_from(KINDS), seed=st.integers(0, 2**32 - 1))
def test_no_error_path_prints_a_token(
    committed: Path, cli: Callable[..., Run], kind: tuple[str, str], seed: int
) -> None:
    secret = CHECKS[kind[0]].generate(random.Random(seed), kind[1])
    for name, setup in ERROR_PATHS.items():
        clean(committed)
        result = cli(*setup(committed, secret), cwd=committed)
        assert result.code != 0 or "stale" in name or "pruned" in name, (name, result.err)
        assert result.err or result.out, name
        assert not leaks(secret, result.out + result.err), (name, kind)
    clean(committed)


@pytest.mark.parametrize(("kind", "arg"), KINDS)
def test_every_token_kind_is_secret_shaped(kind: str, arg: str) -> None:
    secret = CHECKS[kind].generate(random.Random(7), arg)
    assert not leaks(secret, redact_secrets(f"error: {secret!r} and {secret}"))


def test_messages_stay_useful() -> None:
    text = (
        "/home/Alice/Projects/service-2/.pat-scan.yaml: key 'disable': unknown rule id "
        "'generic-password-assignment' (see `pat-scan rules list`); PAT_SCAN_FINGERPRINT_KEY; "
        "test_native_hook_is_friendly_when_pat_scan_left_its_environment; 2026-12-01T21:36:40Z; "
        "HTTPSConnectionPoolManagerError; /Users/Alice/Library/Application Support/Code/User"
    )
    assert redact_secrets(text) == text
    secret = token()
    assert redact_secrets(f"bad revision '{secret}..HEAD'") == f"bad revision '{secret[:6]}…..HEAD'"


def test_warnings_are_redacted_too(repo: Path, cli: Callable[..., Any]) -> None:
    """The one redaction is on stderr itself: a warning from deep in a command is covered."""
    secret = token(seed=4)
    target = repo / f"{secret}.json"
    document = {"version": 1, "generated_by": "pat-scan", "entries": []}
    target.write_text(json.dumps(document))
    (repo / "a.py").write_text(f"A = '{token(seed=5)}'\n")
    entry = {"rule": "x", "fingerprint": "0" * 32, "path": "a.py"}
    target.write_text(json.dumps({**document, "entries": [entry]}))
    result = cli("scan", ".", "--baseline", str(target), cwd=repo)
    assert "version 1 fingerprints" in result.err
    assert secret not in result.err


@settings(max_examples=500, deadline=None)
@given(
    kind=st.sampled_from(KINDS),
    seed=st.integers(0, 2**32 - 1),
    form=st.sampled_from(["{}", "{!r}", "/tmp/x/{}", "missing/{}", "'{}..HEAD'", "key {}: x"]),
)
def test_redaction_never_emits_a_token(kind: tuple[str, str], seed: int, form: str) -> None:
    """The redaction alone, on many more tokens than the CLI test can afford."""
    secret = CHECKS[kind[0]].generate(random.Random(seed), kind[1])
    assert not leaks(secret, redact_secrets(f"pat-scan: error: {form.format(secret)}: nope"))
