"""The distributed driver: one Dask task per repository on a `distributed` cluster (the
`pat-scan[dask]` extra; pat-scan installed on every worker). Each worker thread drives a child
process of its own (`child.Child`), which enforces the timeout; the scheduler reschedules the
tasks of a worker that is lost, and a task whose workers keep dying ends as `KilledWorker`,
reported as `worker lost`. The setup (rules, configuration) reaches each worker once, through a
worker plugin the scheduler also gives to workers that join or restart later. Outcomes stream
back as tasks finish, and a finished future is released at once, so the client holds only a
bounded backlog and what is running."""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
import uuid
from collections import deque
from collections.abc import Sequence
from typing import Any

from pat_scan.errors import PatScanError, UsageError

try:
    import distributed
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # this module is imported only for --dask
    raise UsageError("--dask needs distributed: pip install 'pat-scan[dask]'") from None
from pat_scan.fleet.child import Child
from pat_scan.fleet.repos import short_hash
from pat_scan.fleet.work import Outcome, Setup, Task, describe, failed

CONNECT_TIMEOUT = 30.0  # seconds to reach the scheduler
WORKER_TIMEOUT = 120.0  # seconds to wait for a worker when there is none
# Tasks waiting in the client per worker thread: enough that a freed machine usually finds one
# whose mirror it has, few enough that the client holds little.
BACKLOG_PER_THREAD = 4
LOOK_EVERY = 5.0  # seconds between looks at which workers there are


class DaskPool:
    """Tasks wait in the client until a worker thread is free: one task in flight a thread, so
    that a worker that dies takes no other repository's task with it. The scheduler gives a new
    task to the idle worker, which is the one whose task just finished; so the task sent then is
    the first waiting one whose repository's mirror is on that worker's machine (rendezvous
    hashing on the machine's address): each machine keeps its own cache, and a re-run fetches
    instead of cloning again. Nothing is pinned: a task goes wherever the scheduler sends it,
    and runs again elsewhere if its worker dies."""

    def __init__(self, address: str, setup: Setup, timeout: float) -> None:
        dask = _distributed()
        try:
            self.client: Any = dask.Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise PatScanError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        self.address = address
        self.description = f"Dask at {address}"
        self._wait_for_workers()
        self._plugin = SetupPlugin(setup)
        self.client.register_plugin(self._plugin, name=self._plugin.name)
        self._digest = setup.digest
        self._timeout = timeout
        self._completed: Any = dask.as_completed(loop=self.client.loop)
        self._backlog: deque[Task] = deque()
        self._running: dict[str, Task] = {}  # future key -> task
        self._freed: deque[str] = deque()  # machines whose worker just finished a task
        self._hosts: list[str] = []
        self._threads = 1
        self._looked = 0.0
        self._run_id = uuid.uuid4().hex[:8]  # keys of this run never meet another run's

    def room(self) -> bool:
        self._look()
        return len(self._backlog) < BACKLOG_PER_THREAD * self._threads

    def busy(self) -> bool:
        return bool(self._backlog or self._running)

    def submit(self, task: Task) -> None:
        self._backlog.append(task)
        self._dispatch()

    def next(self) -> Outcome:
        self._dispatch()
        if not self._running:
            raise PatScanError(f"the Dask workers at {self.address} take no tasks")
        future = next(self._completed)
        task = self._running.pop(str(future.key))
        try:
            outcome: Outcome = future.result()
        except _distributed().KilledWorker:
            detail = "the Dask worker running it died on each of its tries (KilledWorker)"
            outcome = failed(task, "worker lost", detail)  # tried again by Dask already
        except Exception as exc:
            outcome = failed(task, "crash", f"the Dask task failed: {describe(exc)}")
        finally:
            future.release()
        if outcome.worker:
            self._freed.append(host_of(outcome.worker))
            while len(self._freed) > self._threads:  # more than can be waiting for a task
                self._freed.popleft()
        return outcome

    def _dispatch(self) -> None:
        """Send waiting tasks while a worker thread is free, each the one for the machine that
        just freed one."""
        self._look()
        if self._backlog and not self._running:
            self._look(force=True)  # nothing runs: are there workers at all?
        while self._backlog and len(self._running) < self._threads:
            host = self._freed.popleft() if self._freed else None
            task = take(self._backlog, host, self._hosts) if host else self._backlog.popleft()
            key = f"pat-scan-fleet-{short_hash(task.repo.key)}-{task.attempt}-{self._run_id}"
            future = self.client.submit(
                scan_on_worker, task, self._digest, self._timeout, key=key, pure=False
            )
            self._running[str(future.key)] = task
            self._completed.add(future)

    def _look(self, force: bool = False) -> None:
        """The workers' machines and threads (asked again every LOOK_EVERY seconds)."""
        now = time.monotonic()
        if not force and now - self._looked < LOOK_EVERY:
            return
        if force:
            self._wait_for_workers()
        workers = self.client.scheduler_info(n_workers=-1)["workers"].values()
        self._hosts = sorted({str(worker["host"]) for worker in workers})
        self._threads = max(sum(int(worker["nthreads"]) for worker in workers), 1)
        self._looked = now

    def _wait_for_workers(self) -> None:
        try:
            self.client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
        except TimeoutError:
            self.client.close()
            raise PatScanError(
                f"no Dask worker at {self.address} for {WORKER_TIMEOUT:g} s"
            ) from None

    def close(self, interrupted: bool = False) -> None:
        """Cancel what is still queued (running tasks end on their own, their results unread)
        and disconnect."""
        pending = list(self._completed.futures) if interrupted else []
        if pending:
            self.client.cancel(pending)
        self._completed = _distributed().as_completed(loop=self.client.loop)
        self._running.clear()
        self._backlog.clear()
        with contextlib.suppress(Exception):  # the scheduler may be gone already
            self.client.unregister_worker_plugin(self._plugin.name)
        self.client.close()


def host_of(address: str) -> str:
    """The machine of a worker address such as tcp://10.0.0.7:40123."""
    return address.rpartition("://")[2].rpartition(":")[0].strip("[]")


def preferred_host(key: str, hosts: Sequence[str]) -> str:
    """The machine a repository goes to (rendezvous hashing): the same one from run to run, and
    only the repositories of a machine that leaves or joins move."""
    return max(hosts, key=lambda host: hashlib.sha256(f"{host}\0{key}".encode()).digest())


def take(backlog: deque[Task], host: str, hosts: Sequence[str]) -> Task:
    """The first waiting task whose repository belongs on `host`, else the first waiting."""
    if len(hosts) > 1:
        for index, task in enumerate(backlog):
            if preferred_host(task.repo.key, hosts) == host:
                del backlog[index]
                return task
    return backlog.popleft()


def _distributed() -> Any:
    """The `distributed` package, typed loosely (it is only partly annotated)."""
    return distributed


class SetupPlugin(WorkerPlugin):
    """Gives each worker the run's setup, when it starts and whenever one joins or restarts:
    no task carries it, and no worker's loss loses it."""

    idempotent = True

    def __init__(self, setup: Setup) -> None:
        self.setup_record = setup
        self.name = f"pat-scan-fleet-{setup.digest}"

    def setup(self, worker: Any) -> None:
        _setups[self.setup_record.digest] = self.setup_record

    def teardown(self, worker: Any) -> None:
        _setups.pop(self.setup_record.digest, None)


_setups: dict[str, Setup] = {}  # on a worker: the setups its plugins gave it, by digest
_worker_state = threading.local()  # one child process per worker thread


def scan_on_worker(task: Task, digest: str, timeout: float) -> Outcome:
    """The task as a Dask worker runs it: in this thread's child process."""
    setup = _setups.get(digest)
    if setup is None:
        return failed(task, "crash", "the worker never received the run's setup")
    child = getattr(_worker_state, "child", None)
    if child is None:
        child = _worker_state.child = Child()
    outcome = child.run(task, setup, timeout)
    try:
        return outcome._replace(worker=distributed.get_worker().address)
    except ValueError:  # not in a worker (called directly)
        return outcome
