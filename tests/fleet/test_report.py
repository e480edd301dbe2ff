"""The fleet's reports read back from the inventory: a widespread secret shown with its first
locations and a count of the rest, failures capped, an interrupted run's coverage, and the JSON
document valid against its schema."""

from __future__ import annotations

import io
import json
from pathlib import Path

from pat_scan.fleet import report, work
from pat_scan.fleet.inventory import Inventory
from pat_scan.fleet.repos import Repo
from pat_scan.fleet.run import Summary
from pat_scan.results import Policy
from tests.fleet.helpers import located, scanned, validate_fleet_report
from tests.helpers import token


def test_a_secret_in_many_repositories_and_many_failures(tmp_path: Path, setup: work.Setup) -> None:
    secret = token(seed=97)
    inventory = Inventory(tmp_path / "inventory.sqlite")
    inventory.start("test", 70)
    repos = [Repo(f"https://h/org/r{n:02d}.git", f"org/r{n:02d}") for n in range(70)]
    stream = io.StringIO()
    rules = {rule.id: rule for rule in setup.rules}
    json_out = report.JsonStream(stream, Policy(), "test", False)
    for n, repo in enumerate(repos):
        if n < 12:
            outcome = scanned(repo, located(secret, f"conf/{n}.py"))
        else:
            outcome = work.Outcome(repo.key, work.FAILED, "auth", "git said no")
        places = inventory.record(repo, outcome)
        found = [work.finding(p.found, rules[p.found.rule_id]) for p in places]
        json_out.repository(repo, outcome, found)
    summary = Summary(75, 12, 0, 58, 12, 12, interrupted=True)
    text = io.StringIO()
    report.write_text(text, inventory, summary, Policy(), rules, "test", False)
    shown = text.getvalue()
    assert "ghp_" in shown and secret not in shown
    assert "in 12 repositories:\n" in shown
    assert shown.count("conf/") == report.SHOWN_LOCATIONS
    assert "  … and 2 more repositories (--format json lists them all)\n" in shown
    assert "    auth: 58\n" in shown
    assert shown.count("✗ ") == report.SHOWN_FAILURES
    assert "… and 8 more (--format json lists them all)" in shown
    assert "not reached     5  (interrupted: run again to resume)" in shown
    assert shown.endswith(
        "pat-scan: 1 secret(s) in 12 location(s); 12 of 75 repositories covered, "
        "58 could not be scanned, interrupted\n"
    )

    json_out.finish(inventory, summary, rules)
    document = json.loads(stream.getvalue())
    validate_fleet_report(document)
    assert len(document["secrets"][0]["locations"]) == 12
    assert document["coverage"]["not_reached"] == 5
    assert document["coverage"]["failures"] == {"auth": 58}
    assert secret not in stream.getvalue()
    inventory.close()
