"""The text report: one linter-style line per blocking finding, what to do, the findings that do
not block apart, and a one-line summary; colour only when asked; never the secret by default."""

from __future__ import annotations

import io

from pat_scan.findings import Commit, InCommit
from pat_scan.reporters import Report, text
from pat_scan.results import Policy
from tests.helpers import make_finding, make_rule, result_of, token

CRITICAL = make_rule("acme-api-key", "critical")
LOW = make_rule("acme-legacy-key", "low")


def written(report: Report) -> str:
    out = io.StringIO()
    text.write(report, out)
    return out.getvalue()


def test_blocking_findings_say_where_what_and_what_to_do() -> None:
    secret = token(seed=1)
    shown = written(
        Report(result_of([make_finding(CRITICAL, "app/settings.py", 3, secret)]), Policy())
    )
    first, *rest = shown.splitlines()
    assert first == (
        f"app/settings.py:3:5: acme-api-key Acme api key: {secret[:6]}… [critical, high confidence]"
    )
    assert "What to do:" in rest and secret not in shown
    assert "Revoke it on the acme-api-key console" in shown
    assert shown.splitlines()[-1].startswith("pat-scan: 1 secret(s) found; 1 file scanned")


def test_findings_below_the_policy_are_listed_apart_without_advice() -> None:
    """Before: the summary said "no secrets found" under a list of findings, and blamed a failed
    checksum whatever made them low."""
    quiet = make_finding(LOW, "a.py", 1, token(seed=2))
    doc = make_finding(CRITICAL, "docs/setup.md", 2, token(seed=6), confidence="low")
    doc = doc._replace(why_low="in a documentation or example file")
    shown = written(Report(result_of([quiet, doc]), Policy(fail_on="high")))
    assert "What to do:" not in shown
    assert "Not blocking (below --min-confidence medium or --fail-on high):" in shown
    assert "checksum" not in shown
    assert "(in a documentation or example file)" in shown.splitlines()[2]
    assert shown.splitlines()[-1].startswith("pat-scan: no blocking secrets;")
    assert "2 finding(s): 1 high, 1 low confidence" in shown


def test_control_characters_in_names_are_escaped() -> None:
    """Before: a newline or an ANSI escape in a file name went to the terminal as it was."""
    odd = make_finding(CRITICAL, "a\nb\x1b[2Jc.py", 1, token(seed=7))
    shown = written(Report(result_of([odd]), Policy()))
    assert shown.startswith("a\\nb\\x1b[2Jc.py:1:5: ")
    assert "\x1b[2J" not in shown


def test_history_findings_name_their_commit_and_whether_head_still_holds_it() -> None:
    origin = InCommit(
        Commit("a" * 40, "Dev One", "one@example.invalid", "2024-05-01T10:00:00Z"), True, 2
    )
    finding = make_finding(CRITICAL, "keys.py", 1, token(seed=3), origin=origin)
    shown = written(Report(result_of([finding]), Policy(), kind="history"))
    assert " in commit aaaaaaaaaaaa (2024-05-01, Dev One; still at HEAD)" in shown
    assert "Every clone keeps the old commits" in shown
    assert "file version scanned" in shown


def test_suppressed_findings_only_when_asked_and_colour_only_when_enabled() -> None:
    kept = make_finding(CRITICAL, "a.py", 1, token(seed=4))
    dropped = make_finding(CRITICAL, "b.py", 2, token(seed=5), suppressed="inline marker")
    result = result_of([kept], [dropped])
    plain = written(Report(result, Policy()))
    assert "suppressed (inline marker)" not in plain and "\033[" not in plain
    shown = written(Report(result, Policy(), show_suppressed=True, color=True))
    assert "suppressed (inline marker)" in shown and "b.py:2:5:" in shown
    assert "\033[31macme-api-key\033[0m" in shown
