"""The Dask driver on a real `LocalCluster` (a scheduler, and two single-threaded worker
processes under nannies) over 24 generated repositories: secrets on main and on side branches,
one secret in two repositories, one repository that cannot be cloned, one shallow clone, one
whose clone hangs, and one whose transport kills the worker running it. The findings are those
of the local pool and of `pat-scan history`, repository by repository; every repository is
reported once; the killed workers come back and the rest of the run goes on; the inventory
holds no secret."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fleet.helpers import (
    KILLER_SCHEME,
    GitHttp,
    assert_nothing_holds,
    by_repository,
    fleet_process,
    install_killer,
    make_fleet,
    report,
    secret_files,
    validate_fleet_report,
)
from tests.helpers import git

distributed = pytest.importorskip("distributed")
COUNT = 20


@pytest.fixture(scope="module")
def killer_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The transport that kills its worker on PATH, for the workers and every client."""
    folder = tmp_path_factory.mktemp("killer")
    log = folder / "kills.log"
    saved = dict(os.environ)
    os.environ.update(install_killer(folder / "bin", log))
    yield log
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="module")
def cluster(killer_path: Path) -> Iterator[Any]:
    import dask

    # A task is given up after its second worker dies (the default waits for a fourth).
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 1}),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        ) as local,
        distributed.Client(local) as client,
    ):
        yield local, client


def history_findings(cli: Any, repo: Path) -> list[dict[str, Any]]:
    ran = cli("history", "--format", "json", str(repo))
    assert ran.code in (0, 1), ran.err
    findings: list[dict[str, Any]] = ran.json()["findings"]
    return findings


def test_dask_finds_what_the_local_pool_and_history_find(
    tmp_path: Path, cluster: Any, killer_path: Path, served: Path, cli: Any
) -> None:
    local_cluster, client = cluster
    clones = tmp_path / "clones"
    planted = make_fleet(clones, COUNT)
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{clones / 'repo-01'}", "shallow")
    with GitHttp(served) as server:
        listed = tmp_path / "repos.txt"
        listed.write_text(
            "# the fleet\nclones\nshallow\n"
            f"{server.url}/gone.git\n{server.url}/hang/stuck.git\n"
            f"{KILLER_SCHEME}::{tmp_path}/victim\n"
        )
        common = ["--repos-file", str(listed), "--format", "json", "--timeout", "3"]
        local = fleet_process(
            *common, "--jobs", "2", "--cache-dir", "lc", "--inventory", "l.sqlite", cwd=tmp_path
        )
        before = set(client.run(os.getpid).values())
        address = local_cluster.scheduler_address
        remote = fleet_process(
            *common, "--cache-dir", "dc", "--inventory", "d.sqlite", cwd=tmp_path,
            env={"DASK_SCHEDULER_ADDRESS": address},
        )  # fmt: skip
    assert local.code == 3 and remote.code == 3, local.err + remote.err
    on_local, on_dask = report(local), report(remote)
    validate_fleet_report(on_dask)
    assert on_dask["driver"] == f"Dask at {address}"
    local_entries, dask_entries = by_repository(on_local), by_repository(on_dask)
    assert set(local_entries) == set(dask_entries)
    assert len(dask_entries) == COUNT + 4

    failures = {n: (e["reason"], e["attempts"]) for n, e in dask_entries.items() if e["reason"]}
    assert failures == {
        "shallow": ("shallow clone", 1),
        "127.0.0.1/gone": ("not found", 1),
        "127.0.0.1/hang/stuck": ("clone timeout", 2),  # tried again once
        "victim": ("worker lost", 1),  # Dask tried it on a second worker, which died too
    }
    assert local_entries["victim"]["reason"] == "crash"  # locally the child is the worker
    assert local_entries["victim"]["attempts"] == 2
    assert on_dask["coverage"]["failed"] == 4 and on_dask["coverage"]["scanned"] == COUNT

    for n in range(COUNT):
        name = f"repo-{n:02d}"
        assert dask_entries[name]["outcome"] == "scanned", dask_entries[name]
        assert dask_entries[name]["worker"].startswith("tcp://127.0.0.1:")
        assert dask_entries[name]["findings"] == local_entries[name]["findings"], name
        assert dask_entries[name]["findings"] == history_findings(cli, clones / name), name
    assert sum(bool(dask_entries[f"repo-{n:02d}"]["findings"]) for n in range(COUNT)) > COUNT // 2
    assert on_dask["secrets"] == on_local["secrets"]
    assert on_dask["secrets"][0]["repositories"] == 2

    killed = {int(pid) for pid in killer_path.read_text().split()}
    assert len(killed & before) >= 1  # Dask workers, not the client or its children
    client.wait_for_workers(2, timeout=60)  # the nannies brought them back
    after = set(client.run(os.getpid).values())
    assert not after & killed

    for inventory in ("l.sqlite", "d.sqlite"):
        assert_nothing_holds(secret_files(tmp_path / inventory), planted)
    for secret in planted:
        assert secret not in remote.out + remote.err

    again = fleet_process(
        "clones", "--dask", address, "--cache-dir", "dc", "--inventory", "d.sqlite",
        "--format", "json", cwd=tmp_path,
    )  # fmt: skip
    assert again.code == 1, again.err
    assert {e["outcome"] for e in report(again)["repositories"]} == {"unchanged"}


def test_a_repository_goes_back_to_the_machine_that_has_its_mirror() -> None:
    from collections import deque

    from pat_scan.fleet.dask_driver import preferred_host, take
    from pat_scan.fleet.repos import Repo
    from pat_scan.fleet.work import Task

    hosts = ["10.0.0.1", "10.0.0.2", "10.0.0.3"]
    keys = [f"https://git.example/org/repo-{n}.git" for n in range(300)]
    homes = {key: preferred_host(key, hosts) for key in keys}
    assert all(preferred_host(key, list(reversed(hosts))) == homes[key] for key in keys)
    assert {hosts.count(h) for h in homes.values()} == {1}
    share = [list(homes.values()).count(h) for h in hosts]
    assert min(share) > 60  # spread over the machines
    # A machine leaving moves only its own repositories.
    fewer = {key: preferred_host(key, hosts[:2]) for key in keys}
    assert all(fewer[k] == homes[k] for k in keys if homes[k] != "10.0.0.3")

    backlog = deque(Task(Repo(key, key), None, None) for key in keys[:12])
    wanted = next(t for t in backlog if homes[t.repo.key] == "10.0.0.2")
    assert take(backlog, "10.0.0.2", hosts) == wanted and wanted not in backlog
    first = backlog[0]
    assert take(backlog, "10.0.0.9", hosts) == first  # no task of its own: the first waiting
    assert take(deque([first]), "10.0.0.1", ["10.0.0.1"]) == first
