"""A run's setting: the policy and size limit from the command line over the configuration,
the baseline that applies, and rules and engine only once something needs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from pat_scan.errors import UsageError
from pat_scan.options import ReportOptions, RuleOptions
from pat_scan.session import Session


def test_the_command_line_wins_over_the_configuration(tmp_path: Path) -> None:
    (tmp_path / ".pat-scan.yaml").write_text(
        "min-confidence: high\nfail-on: high\nmax-file-size: 1KB\n"
    )
    configured = Session(tmp_path, RuleOptions())
    assert configured.policy.min_confidence == "high" and configured.policy.fail_on == "high"
    assert configured.max_size == 1024
    given = Session(tmp_path, RuleOptions(), ReportOptions(min_confidence="low"), max_file_size=7)
    assert given.policy.min_confidence == "low" and given.policy.fail_on == "high"
    assert given.max_size == 7


def test_the_baseline_in_use(tmp_path: Path) -> None:
    assert Session(tmp_path, RuleOptions()).baseline_path is None
    (tmp_path / ".pat-scan-baseline.json").write_text("{}")
    assert Session(tmp_path, RuleOptions()).baseline_path == tmp_path / ".pat-scan-baseline.json"
    explicit = Session(tmp_path, RuleOptions(), ReportOptions(baseline="other.json"))
    assert explicit.baseline_path == Path("other.json")


def test_rules_are_loaded_only_when_the_engine_is_asked_for(tmp_path: Path) -> None:
    session = Session(
        tmp_path, RuleOptions(only=("github-pat-classic",), disable=("github-pat-classic",))
    )
    with pytest.raises(UsageError, match="no rules selected"):
        session.matcher  # noqa: B018 - the property builds the engine
