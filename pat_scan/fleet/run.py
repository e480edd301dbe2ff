"""One fleet run: every repository through a driver (the local pool or Dask), a passing failure
tried again a bounded number of times, each outcome recorded in the inventory and handed to the
outputs as it arrives, and each repository counted once however often its task ran. Ctrl-C
stops the drivers; what was recorded stays, and the next run starts from it (a repository
recorded since is unchanged, and is not scanned again)."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import NamedTuple, Protocol

from pat_scan.findings import Finding
from pat_scan.fleet import work
from pat_scan.fleet.inventory import Inventory
from pat_scan.fleet.repos import Repo
from pat_scan.fleet.work import FAILED, PASSING, Outcome, Setup, Task
from pat_scan.options import FleetOptions
from pat_scan.results import Policy


class Driver(Protocol):
    description: str

    def room(self) -> bool:
        """Whether another task may be submitted now (the work in flight is bounded)."""

    def busy(self) -> bool:
        """Whether tasks are submitted and not yet returned."""

    def submit(self, task: Task) -> None: ...

    def next(self) -> Outcome:
        """The next outcome to finish, waiting for it."""

    def close(self, interrupted: bool = False) -> None: ...


class Output(Protocol):
    def repository(self, repo: Repo, outcome: Outcome, findings: Sequence[Finding]) -> None:
        """A repository is done: these are the findings this run reports for it."""


class Observer(Protocol):
    def started(self, total: int) -> None: ...

    def finished(self, outcome: Outcome, findings: int) -> None: ...

    def stop(self) -> None: ...


class Summary(NamedTuple):
    planned: int
    scanned: int
    unchanged: int
    failed: int
    findings: int  # reported
    blocking: int
    interrupted: bool


def scan(
    repos: Sequence[Repo],
    setup: Setup,
    options: FleetOptions,
    policy: Policy,
    inventory: Inventory,
    driver: Driver,
    outputs: Sequence[Output],
    observer: Observer,
) -> Summary:
    known = inventory.known(repos)
    planned = {
        repo.key: Task(
            repo, known[repo.key].digest if repo.key in known else None, options.cache_dir
        )
        for repo in repos
    }
    waiting = deque(planned.values())
    rules = {rule.id: rule for rule in setup.rules}
    counts = {work.SCANNED: 0, work.UNCHANGED: 0, FAILED: 0}
    done: set[str] = set()
    findings = blocking = 0
    interrupted = complete = False
    inventory.start(driver.description, len(planned))
    observer.started(len(planned))
    try:
        while waiting or driver.busy():
            while waiting and driver.room():
                driver.submit(waiting.popleft())
            outcome = driver.next()
            if outcome.key in done:  # a driver that hands a repository back twice: once
                continue
            if _again(outcome, options.retries):
                waiting.append(planned[outcome.key]._replace(attempt=outcome.attempt + 1))
                continue
            done.add(outcome.key)
            repo = planned[outcome.key].repo
            places = inventory.record(repo, outcome)
            reported = [
                work.finding(place.found, rules[place.found.rule_id])
                for place in places
                if place.new or not options.since_inventory
            ]
            counts[outcome.status] += 1
            findings += len(reported)
            blocking += sum(policy.blocks(f) for f in reported)
            for output in outputs:
                output.repository(repo, outcome, reported)
            observer.finished(outcome, len(reported))
        complete = True
    except KeyboardInterrupt:
        interrupted = True
    finally:  # after an interrupt or an error, the drivers stop at once
        observer.stop()
        driver.close(interrupted=not complete)
        inventory.finish(interrupted=not complete)
    return Summary(
        len(planned),
        counts[work.SCANNED],
        counts[work.UNCHANGED],
        counts[FAILED],
        findings,
        blocking,
        interrupted,
    )


def _again(outcome: Outcome, retries: int) -> bool:
    return outcome.status == FAILED and outcome.reason in PASSING and outcome.attempt <= retries
