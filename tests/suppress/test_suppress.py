"""Inline allow markers and allowlists, each with the reason it reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import token


@pytest.mark.parametrize(
    ("suffix", "suppressed"),
    [
        ("  # pat-scan: allow", True),
        ("  // pat-scan: allow[github-pat-classic]", True),
        ("  # pat-scan: allow[aws-access-key-id]", False),  # names another rule
        ("  # gitleaks:allow", True),
        ("  # pragma: allowlist secret", True),
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
