"""A fleet run on this machine, end to end through the command: the findings of each repository
are `pat-scan history`'s; outputs (JSON, SARIF per repository, text) hold no secret; re-runs scan
only what moved; an interrupted or killed run resumes from the inventory; the client's memory
does not grow with the findings it has written."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import psutil
import pytest

from pat_scan.fleet import report as fleet_report
from pat_scan.fleet import run as fleet_run
from pat_scan.fleet import work
from pat_scan.fleet.inventory import Inventory
from pat_scan.fleet.repos import Repo
from pat_scan.options import FleetOptions
from pat_scan.results import Policy
from tests.fleet.helpers import (
    assert_nothing_holds,
    by_repository,
    fleet_process,
    make_fleet,
    make_repo,
    report,
    secret_files,
    validate_fleet_report,
)
from tests.helpers import SARIF_SCHEMA, commit_files, needs_shared, token


def history_findings(cli: Any, repo: Path) -> list[dict[str, Any]]:
    ran = cli("history", "--format", "json", str(repo))
    assert ran.code in (0, 1), ran.err
    findings: list[dict[str, Any]] = ran.json()["findings"]
    return findings


def test_a_run_finds_what_history_finds_and_proves_its_coverage(tmp_path: Path, cli: Any) -> None:
    clones = tmp_path / "clones"
    planted = make_fleet(clones, 6)
    args = ["clones", str(tmp_path / "gone"), "--cache-dir", "cache", "--inventory", "inv.sqlite"]
    sarif = tmp_path / "sarif"
    ran = fleet_process(*args, "--format", "json", "--sarif-dir", str(sarif), cwd=tmp_path)
    assert ran.code == 3, ran.err  # one repository could not be scanned: fail closed
    assert "1 of 7 repositories could not be scanned" in ran.err
    document = report(ran)
    validate_fleet_report(document)
    entries = by_repository(document)
    assert entries["gone"]["outcome"] == "failed" and entries["gone"]["reason"] == "not found"
    for n in range(6):
        entry = entries[f"repo-{n:02d}"]
        assert entry["outcome"] == "scanned"
        assert entry["findings"] == history_findings(cli, clones / entry["name"]), entry["name"]
    shared = document["secrets"][0]
    assert shared["repositories"] == 2
    assert [p["repository"] for p in shared["locations"]] == ["repo-00", "repo-05"]
    assert document["coverage"] == {
        "planned": 7, "scanned": 6, "unchanged": 0, "failed": 1, "not_reached": 0,
        "failures": {"not found": 1},
    }  # fmt: skip
    assert document["stats"]["findings"] == sum(len(e["findings"]) for e in entries.values())

    written = sorted(p.relative_to(sarif).as_posix() for p in sarif.rglob("*.sarif"))
    assert written == [f"repo-{n:02d}.sarif" for n in range(6)]  # none for the failed one
    one = json.loads((sarif / "repo-00.sarif").read_text())
    assert len(one["runs"][0]["results"]) == len(entries["repo-00"]["findings"])
    assert one["runs"][0]["versionControlProvenance"][0]["repositoryUri"].startswith("file://")

    allowed = fleet_process(*args, "--allow-failures", cwd=tmp_path)
    assert allowed.code == 1, allowed.err  # secrets found
    assert "github-pat-classic" in allowed.out and "in 2 repositories:" in allowed.out
    assert "  repo-00: shared.py:1:10 in commit" in allowed.out
    assert "✗ gone: not found:" in allowed.out
    assert "pat-scan: " in allowed.out.splitlines()[-1]

    outputs = [*sarif.rglob("*.sarif"), *secret_files(tmp_path / "inv.sqlite")]
    assert_nothing_holds(iter(outputs), planted)
    for secret in planted:
        assert secret not in ran.out + allowed.out + ran.err + allowed.err
    needs_shared(SARIF_SCHEMA)
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text())
    for path in sarif.rglob("*.sarif"):
        jsonschema.validate(json.loads(path.read_text()), schema)


def test_reruns_scan_only_what_moved_and_report_what_is_new(tmp_path: Path) -> None:
    clones = tmp_path / "clones"
    make_fleet(clones, 4)
    args = ["clones", "--cache-dir", "cache", "--inventory", "inv.sqlite", "--format", "json"]
    first = report(fleet_process(*args, cwd=tmp_path))
    again = report(fleet_process(*args, cwd=tmp_path))
    assert {e["outcome"] for e in again["repositories"]} == {"unchanged"}
    assert {e["name"]: e["findings"] for e in again["repositories"]} == {
        e["name"]: e["findings"] for e in first["repositories"]
    }
    late = token(seed=90)
    commit_files(clones / "repo-02", {"late.py": f"K = '{late}'\n"}, "late")
    since = fleet_process(*args, "--since-inventory", cwd=tmp_path)
    assert since.code == 1
    entries = by_repository(report(since))
    assert entries["repo-02"]["outcome"] == "scanned"
    assert {e["outcome"] for n, e in entries.items() if n != "repo-02"} == {"unchanged"}
    assert [f["path"] for e in entries.values() for f in e["findings"]] == ["late.py"]
    assert [s["locations"][0]["new"] for s in report(since)["secrets"]] == [True]
    quiet = fleet_process(*args, "--since-inventory", cwd=tmp_path)
    assert quiet.code == 0  # nothing new: clean
    assert report(quiet)["secrets"] == []


def started_repositories(output: Path) -> int:
    try:
        return output.read_text().count('"outcome": ')
    except OSError:
        return 0


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "killed"])
def test_an_interrupted_run_resumes_from_the_inventory(
    tmp_path: Path, stop: signal.Signals
) -> None:
    clones = tmp_path / "clones"
    make_fleet(clones, 10)
    args = ["clones", "--cache-dir", "cache", "--inventory", "inv.sqlite", "--jobs", "1"]
    output = tmp_path / "first.json"
    client = subprocess.Popen(
        [sys.executable, "-m", "pat_scan", "fleet", *args, "--format", "json", "-o", str(output)],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while started_repositories(output) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    children = psutil.Process(client.pid).children(recursive=True)
    client.send_signal(stop)
    code = client.wait(timeout=60)
    if stop == signal.SIGINT:
        assert code == 130, client.stderr.read() if client.stderr else ""
        document = json.loads(output.read_text())
        assert document["stats"]["interrupted"] is True
        assert document["coverage"]["not_reached"] > 0
    done = started_repositories(output)
    assert 3 <= done < 10
    gone = psutil.wait_procs(children, timeout=10)[1]
    assert gone == [], "a scanning process outlived its client"

    resumed = report(fleet_process(*args, "--format", "json", cwd=tmp_path))
    outcomes = [e["outcome"] for e in resumed["repositories"]]
    assert outcomes.count("unchanged") >= done - 1  # at most one was being recorded
    assert outcomes.count("scanned") >= 10 - done
    fresh = report(
        fleet_process("clones", "--cache-dir", "c2", "--inventory", "i2", "--format", "json",
                      cwd=tmp_path)
    )  # fmt: skip
    assert {e["name"]: e["findings"] for e in resumed["repositories"]} == {
        e["name"]: e["findings"] for e in fresh["repositories"]
    }


class Replay:
    """A driver that hands back one real outcome under many repositories' keys: the client's
    part of a large run, without scanning each repository."""

    description = "replay"

    def __init__(self, outcome: work.Outcome) -> None:
        self.outcome = outcome
        self.queued: list[work.Task] = []

    def room(self) -> bool:
        return len(self.queued) < 4

    def busy(self) -> bool:
        return bool(self.queued)

    def submit(self, task: work.Task) -> None:
        self.queued.append(task)

    def next(self) -> work.Outcome:
        return self.outcome._replace(key=self.queued.pop(0).repo.key)

    def close(self, interrupted: bool = False) -> None:
        pass


class Silent:
    def started(self, total: int) -> None:
        pass

    def finished(self, outcome: work.Outcome, findings: int) -> None:
        pass

    def stop(self) -> None:
        pass


def test_the_clients_memory_does_not_grow_with_findings_written(
    tmp_path: Path, setup: work.Setup
) -> None:
    from pat_scan import engine

    secrets = {f"f{n}.py": token(seed=300 + n) for n in range(40)}
    source = make_repo(tmp_path / "src", secrets)

    outcome = work.run(
        work.Task(Repo(str(source), "src"), None, str(tmp_path / "cache")),
        setup,
        engine.create(setup.rules),
        lambda stage: None,
    )
    assert len(outcome.findings) == 40

    def peak(repositories: int) -> int:
        repos = [Repo(f"https://h/org/r{n}.git", f"org/r{n}") for n in range(repositories)]
        inventory = Inventory(tmp_path / f"inv-{repositories}.sqlite")
        with open(tmp_path / f"out-{repositories}.json", "w") as out:
            policy = Policy()
            stream = fleet_report.JsonStream(out, policy, "replay", False)
            sarif = fleet_report.SarifFiles(tmp_path / f"sarif-{repositories}", policy)
            tracemalloc.start()
            summary = fleet_run.scan(
                repos, setup, FleetOptions(), policy, inventory, Replay(outcome),
                [stream, sarif], Silent(),
            )  # fmt: skip
            stream.finish(inventory, summary, {r.id: r for r in setup.rules})
            _, top = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        inventory.close()
        assert summary.findings == 40 * repositories
        return top

    small, large = peak(8), peak(64)
    # Eight times the findings written; what is held at once is one repository's.
    assert large < small * 1.5, (small, large)
