"""Inline allow markers and allowlists, each with the reason it reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import commit_files, token


@pytest.mark.parametrize(
    ("suffix", "suppressed"),
    [
        ("  # pat-scan: allow", True),
        ("  // pat-scan: allow[github-pat-classic]", True),
        ("  # pat-scan: allow[aws-access-key-id]", False),  # names another rule
        ("  # allowed by review", False),
    ],
)
def test_inline_markers(repo: Path, cli: Any, suffix: str, suppressed: bool) -> None:
    (repo / "a.py").write_text(f"t = '{token()}'{suffix}\n")
    result = cli("scan", "--format", "json", "--show-suppressed", cwd=repo)
    doc = result.json()
    assert (result.code == 0) is suppressed
    if suppressed:
        assert [s["reason"] for s in doc["suppressed"]] == ["inline marker"]
        assert [s["blocking"] for s in doc["suppressed"]] == [False]


@pytest.mark.parametrize(
    ("suffix", "reason"),
    [
        ("  # gitleaks:allow", "gitleaks marker"),
        ("  # pragma: allowlist secret", "detect-secrets marker"),
        ("  # nosec", "bandit marker"),
        ("  # nosec B105", "bandit marker"),
        ("  # nosec: B106, B603", "bandit marker"),
        ("  # nosec B603", None),  # another bandit check: says nothing about credentials
        ("  // #nosec G101", "gosec marker"),
        ("  //nolint:gosec", "gosec marker"),
        ("  // #nosec G104", None),
        ("  # noqa: S105", "ruff marker"),
        ("  # noqa: E501, S106", "ruff marker"),
        ("  # noqa", None),  # a bare noqa is no statement about secrets
        ("  # noqa: E501", None),
        ("  # trufflehog:ignore", "trufflehog marker"),
        ("  # kingfisher:ignore", "kingfisher marker"),
    ],
)
def test_foreign_markers(repo: Path, cli: Any, suffix: str, reason: str | None) -> None:
    (repo / "a.py").write_text(f"t = '{token()}'{suffix}\n")
    result = cli("scan", "--format", "json", "--show-suppressed", cwd=repo)
    doc = result.json()
    assert [s["reason"] for s in doc["suppressed"]] == ([reason] if reason else [])
    assert result.code == (0 if reason else 1)
    if reason:  # an audit turns them off
        audit = cli("scan", "--format", "json", "--no-foreign-markers", cwd=repo)
        assert audit.code == 1
        assert not audit.json().get("suppressed")


def test_foreign_markers_can_be_turned_off_in_the_configuration(repo: Path, cli: Any) -> None:
    (repo / "a.py").write_text(f"t = '{token()}'  # nosec\n")
    (repo / ".pat-scan.yaml").write_text("foreign-markers: false\n")
    assert cli("scan", cwd=repo).code == 1
    (repo / ".pat-scan.yaml").write_text("foreign-markers: maybe\n")
    result = cli("scan", cwd=repo)
    assert result.code == 2
    assert "foreign-markers" in result.err


def test_history_honours_foreign_markers_unless_told_not_to(repo: Path, cli: Any) -> None:
    """The history's incremental store keys on the switch: its suppression reasons are stored."""
    commit_files(repo, {"a.py": f"t = '{token()}'  # nosec\n"})
    for incremental in ((), ("--incremental",)):
        marked = cli("history", "--format", "json", "--show-suppressed", *incremental, cwd=repo)
        assert marked.code == 0
        assert [s["reason"] for s in marked.json()["suppressed"]] == ["bandit marker"]
        audit = cli("history", "--format", "json", "--no-foreign-markers", *incremental, cwd=repo)
        assert audit.code == 1
        assert [f["rule_id"] for f in audit.json()["findings"]] == ["github-pat-classic"]


def test_allow_regex_and_stopwords(repo: Path, cli: Any) -> None:
    secret = token()
    (repo / "a.py").write_text(f"t = '{secret}'\n")
    (repo / ".pat-scan.yaml").write_text(f"stopwords: ['{secret[6:14]}']\n")
    result = cli("scan", "--format", "json", "--show-suppressed", cwd=repo)
    assert result.code == 0
    assert result.json()["suppressed"][0]["reason"] == "stopword"
    (repo / ".pat-scan.yaml").write_text("allow: ['^t = ']\n")
    result = cli("scan", "--format", "json", "--show-suppressed", cwd=repo)
    assert result.code == 0
    assert result.json()["suppressed"][0]["reason"] == "allow regex"


def test_show_suppressed_text_never_shows_the_secret(repo: Path, cli: Any) -> None:
    secret = token()
    (repo / "a.py").write_text(f"t = '{secret}'  # pat-scan: allow\n")
    result = cli("scan", "--show-suppressed", cwd=repo)
    assert "suppressed (inline marker): a.py:1:6:" in result.out
    assert secret not in result.out
