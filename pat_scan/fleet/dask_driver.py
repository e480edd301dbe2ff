"""The distributed driver: one Dask task per repository on a `distributed` cluster (the
`pat-scan[dask]` extra; pat-scan installed on every worker). Each worker thread drives a child
process of its own (`child.Child`), which enforces the timeout; the scheduler reschedules the
tasks of a worker that is lost, and a task whose workers keep dying ends as `KilledWorker`,
reported as `worker lost`. The setup (rules, configuration) reaches each worker once, through a
worker plugin the scheduler also gives to workers that join or restart later. Outcomes stream
back as tasks finish, and a finished future is released at once, so the client holds only what
is still running."""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
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
WORKER_TIMEOUT = 120.0  # seconds to wait for a first worker
# Tasks in flight per worker thread: one, so that a worker that dies takes no other repository's
# task with it (each would count as a failure against that repository).
AHEAD_PER_THREAD = 1
RECOUNT_EVERY = 5.0  # seconds between looks at how many worker threads there are


class DaskPool:
    def __init__(self, address: str, setup: Setup, timeout: float) -> None:
        dask = _distributed()
        try:
            self.client: Any = dask.Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise PatScanError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        try:
            self.client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
        except TimeoutError:
            self.client.close()
            raise PatScanError(f"no Dask worker joined {address} in {WORKER_TIMEOUT:g} s") from None
        self.description = f"Dask at {address}"
        self._plugin = SetupPlugin(setup)
        self.client.register_plugin(self._plugin, name=self._plugin.name)
        self._digest = setup.digest
        self._timeout = timeout
        self._completed: Any = dask.as_completed(loop=self.client.loop)
        self._tasks: dict[str, Task] = {}
        self._run_id = uuid.uuid4().hex[:8]  # keys of this run never meet another run's
        self._threads = 1
        self._counted = 0.0

    def room(self) -> bool:
        now = time.monotonic()
        if now - self._counted > RECOUNT_EVERY:
            self._threads = max(sum(self.client.nthreads().values()), 1)
            self._counted = now
        return len(self._tasks) < AHEAD_PER_THREAD * self._threads

    def busy(self) -> bool:
        return bool(self._tasks)

    def submit(self, task: Task) -> None:
        key = f"pat-scan-fleet-{short_hash(task.repo.key)}-{task.attempt}-{self._run_id}"
        future = self.client.submit(
            scan_on_worker, task, self._digest, self._timeout, key=key, pure=False
        )
        self._tasks[str(future.key)] = task
        self._completed.add(future)

    def next(self) -> Outcome:
        future = next(self._completed)
        task = self._tasks.pop(str(future.key))
        try:
            outcome: Outcome = future.result()
        except _distributed().KilledWorker:
            detail = "the Dask worker running it died on each of its tries (KilledWorker)"
            outcome = failed(task, "worker lost", detail)  # tried again by Dask already
        except Exception as exc:
            outcome = failed(task, "crash", f"the Dask task failed: {describe(exc)}")
        finally:
            future.release()
        return outcome

    def close(self, interrupted: bool = False) -> None:
        """Cancel what is still queued (running tasks end on their own, their results unread)
        and disconnect."""
        pending = list(self._completed.futures) if interrupted else []
        if pending:
            self.client.cancel(pending)
        self._completed = _distributed().as_completed(loop=self.client.loop)
        self._tasks.clear()
        with contextlib.suppress(Exception):  # the scheduler may be gone already
            self.client.unregister_worker_plugin(self._plugin.name)
        self.client.close()


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
