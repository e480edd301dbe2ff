"""Regexes that could backtrack without end are refused when a pack is loaded, and a regex that
still runs long is stopped and counted, never left to hold up a commit."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pat_scan import rules
from pat_scan.rules.regex_safety import problem


@pytest.mark.parametrize(
    "pattern",
    [
        r"(?P<secret>(\w|\w\w)+$)",
        r"(?P<secret>(a+)+)",
        r"(?P<secret>x*)",
        r"(?P<secret>x{2,})",
        r"(?P<secret>(\w|\w\w){1,40}$)",
        r"(?P<secret>(?:\w{1,2}){1,40}$)",
        r"(?P<secret>(?:a\w|\wa){1,40}$)",
        r"(?P<secret>(a{1,100}){1,5000})",
        r"(?P<secret>(?P<x>a)\p{L}{1,3})",  # syntax Python's re does not know: not checkable
    ],
)
def test_patterns_that_could_blow_up_are_refused(pattern: str) -> None:
    assert problem(pattern) is not None


@pytest.mark.parametrize(
    "pattern",
    [
        r"(?P<secret>ghp_[A-Za-z0-9]{36})",
        r"(?P<secret>(?:[a-z]|[0-9]){1,100})",
        r"(?P<secret>(?:\w{1,20},){1,40})",
        r"(?:[^\"'\n]|[\"']\s{0,3}[&+]\s{0,3}[\"']){0,300}?(?P<secret>x)",
        r"(?i)(?:password|passwd)\s{0,3}=\s{0,3}(?P<secret>[^\s]{8,200})",
    ],
)
def test_bounded_unambiguous_patterns_pass(pattern: str) -> None:
    assert problem(pattern) is None


def test_every_shipped_rule_passes() -> None:
    assert [r.id for r in rules.load(examples=False) if problem(r.regex)] == []


def test_a_pack_added_through_the_configuration_is_checked(repo: Path, cli: Any) -> None:
    (repo / "ci").mkdir()
    (repo / "ci" / "evil.yaml").write_text(
        "rules:\n  - id: evil\n    name: Evil\n    description: d\n    severity: high\n"
        "    keywords: [evil]\n    regex: '(?P<secret>evil(\\w|\\w\\w)+$)'\n    remediation: r\n"
    )
    (repo / ".pat-scan.yaml").write_text("rules: [ci/evil.yaml]\n")
    result = cli("scan", cwd=repo)
    assert result.code == 2
    assert "evil.yaml: rule 'evil': key 'regex'" in result.err


def test_a_regex_still_running_past_its_time_is_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    from pat_scan import engine
    from pat_scan.engine import matcher

    monkeypatch.setattr(matcher, "REGEX_TIMEOUT", 0.05)
    slow = rules.Rule(
        "slow", "Slow", "", "high", ("aaaa",), r"(?P<secret>aaaa(a|aa)+$)", "", "t", "", 100
    )
    unchecked: Counter[str] = Counter()
    found = engine.create([slow], "python").scan(b"aaaa" + b"a" * 60 + b"!", unchecked=unchecked)
    assert found == [] and unchecked["slow"] == 1
