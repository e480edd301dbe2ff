"""The Dask driver on a real `LocalCluster` (a scheduler, and two single-threaded worker
processes under nannies) over 25 generated repositories: secrets on main and on side branches,
one secret in two repositories, one repository that cannot be cloned, one shallow clone, one
whose clone hangs, one whose transport kills the worker running it, and one whose worker the
test kills while it runs (the scheduler runs it again elsewhere). The findings are those
of the local pool and of `pat-scan history`, repository by repository; every repository is
reported once; the killed workers come back and the rest of the run goes on; the inventory
holds no secret."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pat_scan.fleet.repos import short_hash
from tests.fleet.helpers import (
    KILLER_SCHEME,
    SLOW_SCHEME,
    GitHttp,
    assert_nothing_holds,
    by_repository,
    fleet_process,
    install_killer,
    install_slow,
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
    """The transports that kill their worker and that hang once, on PATH for the workers and
    every client; the log of the processes killed (the slow one's mark file beside it)."""
    folder = tmp_path_factory.mktemp("killer")
    log = folder / "kills.log"
    saved = dict(os.environ)
    os.environ.update(install_killer(folder / "bin", log))
    os.environ.update(install_slow(folder / "bin", folder / "slow.mark"))
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


def kill_the_worker_running(client: Any, prefix: str, started: Path) -> str:
    """SIGKILL the Dask worker processing the task whose key starts with `prefix`, once
    `started` exists (its clone is under way); the worker's address."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if started.exists():
            for address, keys in client.processing().items():
                if any(str(key).startswith(prefix) for key in keys):
                    pid = client.run(os.getpid, workers=[address])[address]
                    os.kill(pid, signal.SIGKILL)
                    return str(address)
        time.sleep(0.05)
    raise AssertionError("the slow repository never started")


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
    git(tmp_path, "clone", "-q", "--bare", str(clones / "repo-03"), str(served / "slow.git"))
    mark = Path(os.environ["PAT_SCAN_TEST_SLOW_MARK"])
    with GitHttp(served) as server:
        slow = f"{SLOW_SCHEME}::{server.url}/slow.git"
        listed = tmp_path / "repos.txt"
        listed.write_text(
            f"# the fleet\nclones\nshallow\n{slow}\n"
            f"{server.url}/gone.git\n{server.url}/hang/stuck.git\n"
            f"{KILLER_SCHEME}::{tmp_path}/victim\n"
        )
        common = ["--repos-file", str(listed), "--format", "json", "--timeout", "3"]
        mark.touch()  # the local run clones the slow one at once
        local = fleet_process(
            *common, "--jobs", "2", "--cache-dir", "lc", "--inventory", "l.sqlite", cwd=tmp_path
        )
        mark.unlink()
        address = local_cluster.scheduler_address
        remote = subprocess.Popen(
            [sys.executable, "-m", "pat_scan", "fleet", *common, "--cache-dir", "dc",
             "--inventory", "d.sqlite"],
            cwd=tmp_path, env={**os.environ, "DASK_SCHEDULER_ADDRESS": address},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        # The slow repository's first clone hangs: kill the worker running it, from outside.
        lost = kill_the_worker_running(client, f"pat-scan-fleet-{short_hash(slow)}-", mark)
        out, err = remote.communicate(timeout=300)
    assert local.code == 3 and remote.returncode == 3, local.err + err
    on_dask = json.loads(out)
    slow_entry = by_repository(on_dask)["127.0.0.1/slow"]
    assert (slow_entry["outcome"], slow_entry["attempts"]) == ("scanned", 1)  # Dask ran it again
    assert slow_entry["worker"] != lost
    assert slow_entry["findings"] == history_findings(cli, clones / "repo-03")
    assert slow_entry["findings"] == by_repository(report(local))["127.0.0.1/slow"]["findings"]
    on_local = report(local)
    validate_fleet_report(on_dask)
    assert on_dask["driver"] == f"Dask at {address}"
    local_entries, dask_entries = by_repository(on_local), by_repository(on_dask)
    assert set(local_entries) == set(dask_entries)
    assert len(dask_entries) == COUNT + 5

    failures = {n: (e["reason"], e["attempts"]) for n, e in dask_entries.items() if e["reason"]}
    assert failures == {
        "shallow": ("shallow clone", 1),
        "127.0.0.1/gone": ("not found", 1),
        "127.0.0.1/hang/stuck": ("clone timeout", 2),  # tried again once
        "victim": ("worker lost", 1),  # Dask tried it on a second worker, which died too
    }
    assert local_entries["victim"]["reason"] == "crash"  # locally the child is the worker
    assert local_entries["victim"]["attempts"] == 2
    assert on_dask["coverage"]["failed"] == 4 and on_dask["coverage"]["scanned"] == COUNT + 1

    for n in range(COUNT):
        name = f"repo-{n:02d}"
        assert dask_entries[name]["outcome"] == "scanned", dask_entries[name]
        assert dask_entries[name]["worker"].startswith("tcp://127.0.0.1:")
        assert dask_entries[name]["findings"] == local_entries[name]["findings"], name
        assert dask_entries[name]["findings"] == history_findings(cli, clones / name), name
    assert sum(bool(dask_entries[f"repo-{n:02d}"]["findings"]) for n in range(COUNT)) > COUNT // 2
    assert on_dask["secrets"] == on_local["secrets"]
    assert on_dask["secrets"][0]["repositories"] == 2

    victims = [line.split() for line in killer_path.read_text().splitlines()]
    assert [kind for _, kind in victims] == ["child", "child", "worker", "worker"]
    client.wait_for_workers(2, timeout=60)  # the nannies brought them back
    after = set(client.run(os.getpid).values())
    assert not after & {int(pid) for pid, _ in victims}
    assert lost not in client.scheduler_info()["workers"]  # gone; its nanny started another

    for inventory in ("l.sqlite", "d.sqlite"):
        assert_nothing_holds(secret_files(tmp_path / inventory), planted)
    for secret in planted:
        assert secret not in out + err

    again = fleet_process(
        "clones", "--dask", address, "--cache-dir", "dc", "--inventory", "d.sqlite",
        "--format", "json", cwd=tmp_path,
    )  # fmt: skip
    assert again.code == 1, again.err
    assert {e["outcome"] for e in report(again)["repositories"]} == {"unchanged"}


def test_a_repository_goes_back_to_the_machine_that_has_its_mirror() -> None:
    from collections import deque

    from pat_scan.fleet.dask_driver import host_of, preferred_host, take
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
    assert host_of("tcp://10.0.0.7:40123") == "10.0.0.7"
    assert host_of("tls://[fe80::1]:8786") == "fe80::1"
