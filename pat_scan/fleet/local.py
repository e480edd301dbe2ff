"""The embedded driver: a bounded pool on this machine, one thread a slot, each driving one child
process (`child.Child`), so a repository that hangs or crashes costs its own slot only."""

from __future__ import annotations

import queue
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from pat_scan.fleet.child import Child
from pat_scan.fleet.work import Outcome, Setup, Task


class LocalPool:
    def __init__(self, jobs: int, setup: Setup, timeout: float) -> None:
        self.jobs = jobs
        self.description = f"{jobs} local process{'es' if jobs > 1 else ''}"
        self._setup = setup
        self._timeout = timeout
        self._executor = ThreadPoolExecutor(jobs, thread_name_prefix="pat-scan-fleet")
        self._children: queue.SimpleQueue[Child] = queue.SimpleQueue()
        self._all = [Child() for _ in range(jobs)]
        for child in self._all:
            self._children.put(child)
        self._running: set[Future[Outcome]] = set()

    def room(self) -> bool:
        return len(self._running) < self.jobs

    def busy(self) -> bool:
        return bool(self._running)

    def submit(self, task: Task) -> None:
        self._running.add(self._executor.submit(self._run, task))

    def next(self) -> Outcome:
        done, _ = wait(self._running, return_when=FIRST_COMPLETED)
        future = done.pop()
        self._running.remove(future)
        return future.result()

    def _run(self, task: Task) -> Outcome:
        child = self._children.get()
        try:
            return child.run(task, self._setup, self._timeout)._replace(worker="local")
        finally:
            self._children.put(child)

    def close(self, interrupted: bool = False) -> None:
        """End the children: at once on an interrupt (what they were doing is lost, and done
        again by the next run), else once they are idle."""
        for future in self._running:
            future.cancel()
        if interrupted:
            for child in self._all:
                child.stop()
        self._executor.shutdown(wait=True, cancel_futures=True)
        for child in self._all:
            child.close()
