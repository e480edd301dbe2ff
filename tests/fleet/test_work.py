"""One repository's work: scanned, unchanged when neither its refs nor the setup moved, and
each way it can fail named; what travels back holds no secret."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

from pat_scan import engine
from pat_scan.fleet import mirror, work
from pat_scan.fleet.repos import Repo
from tests.fleet.helpers import make_repo
from tests.helpers import commit_files, git, token


@pytest.fixture(scope="module")
def matcher(setup: work.Setup) -> Any:
    return engine.create(setup.rules)


def run(task: work.Task, setup: work.Setup, matcher: Any) -> tuple[work.Outcome, list[str]]:
    stages: list[str] = []
    return work.run(task, setup, matcher, stages.append), stages


def test_scanned_then_unchanged_then_scanned_again_when_something_moves(
    tmp_path: Path, setup: work.Setup, matcher: Any
) -> None:
    secret, later = token(seed=61), token(seed=62)
    source = make_repo(tmp_path / "src", {"conf.py": secret})
    task = work.Task(Repo(str(source), "src"), None, str(tmp_path / "cache"))
    first, stages = run(task, setup, matcher)
    assert (first.status, stages) == (work.SCANNED, ["clone", "scan"])
    assert [f.path for f in first.findings] == ["conf.py"]
    assert first.files > 0 and first.heads and first.digest
    assert secret.encode() not in pickle.dumps(first)  # what crosses to the client

    again, stages = run(task._replace(previous=first.digest), setup, matcher)
    assert (again.status, stages, again.findings) == (work.UNCHANGED, ["fetch"], ())

    other = setup._replace(digest="another rule set")
    rescanned, _ = run(task._replace(previous=first.digest), other, matcher)
    assert rescanned.status == work.SCANNED

    commit_files(source, {"late.py": f"K = '{later}'\n"}, "late")
    moved, stages = run(task._replace(previous=first.digest), setup, matcher)
    assert (moved.status, stages) == (work.SCANNED, ["fetch", "scan"])
    assert sorted(f.path for f in moved.findings) == ["conf.py", "late.py"]


def test_missing_objects_and_other_failures_are_outcomes(
    tmp_path: Path, setup: work.Setup, matcher: Any
) -> None:
    source = make_repo(tmp_path / "src", {"conf.py": token(seed=63)})
    repo = Repo(str(source), "src")
    cache = tmp_path / "cache"
    task = work.Task(repo, None, str(cache))
    assert run(task, setup, matcher)[0].status == work.SCANNED
    path = mirror.location(cache, repo)
    for loose in path.glob("objects/??/*"):  # the mirror loses its blobs (a disk fault)
        if git(path, "cat-file", "-t", loose.parent.name + loose.name).stdout.strip() == "blob":
            loose.unlink()
    broken, _ = run(task, setup, matcher)  # previous=None: scanned again, and its blobs are read
    assert (broken.status, broken.reason) == (work.FAILED, "missing objects"), broken.detail

    gone, _ = run(task._replace(repo=Repo(str(tmp_path / "gone"), "gone")), setup, matcher)
    assert (gone.status, gone.reason) == (work.FAILED, "not found")
    older = setup._replace(version="0.0.1")
    mismatch, _ = run(task, older, matcher)
    assert (mismatch.reason, mismatch.detail) == (
        "version mismatch",
        f"this worker runs pat-scan {work.__version__}, the client 0.0.1",
    )


def test_a_crash_is_described_without_its_message() -> None:
    secret = token(seed=64)
    try:
        raise ValueError(f"cannot decode {secret}")
    except ValueError as exc:
        described = work.describe(exc)
    assert described.startswith("ValueError at test_work.py:")
    assert secret not in described


def test_a_finding_travels_and_comes_back_the_same(
    tmp_path: Path, setup: work.Setup, matcher: Any
) -> None:
    source = make_repo(tmp_path / "src", {"a.py": token(seed=65)}, side={"b.py": token(seed=66)})
    outcome, _ = run(work.Task(Repo(str(source), "src"), None, str(tmp_path / "c")), setup, matcher)
    rules = {rule.id: rule for rule in setup.rules}
    for item in outcome.findings:
        again = work.located(work.finding(item, rules[item.rule_id]))
        assert again == item


def test_a_repository_with_a_file_only_partly_checked_fails_but_keeps_its_findings(
    tmp_path: Path, setup: work.Setup, matcher: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A history scan that could not check part of a file does not count as scanned: the
    repository fails closed (and is tried again next run), and what it found is reported."""
    from pat_scan.engine import matcher as matcher_module

    monkeypatch.setattr(matcher_module, "MAX_FAILED", 100)
    secret = token(seed=64)
    source = make_repo(tmp_path / "src", {"conf.py": secret})
    commit_files(source, {"dense.txt": "password=" * 20_000}, "dense")
    task = work.Task(Repo(str(source), "src"), None, str(tmp_path / "cache"))
    outcome, _ = run(task, setup, matcher)
    assert (outcome.status, outcome.reason) == (work.FAILED, "partly checked")
    assert "dense.txt" in (outcome.detail or "") and outcome.digest is None
    assert [f.path for f in outcome.findings] == ["conf.py"]
