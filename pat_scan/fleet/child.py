"""The process a repository is scanned in: `python -m pat_scan.fleet.child`, started by the
local pool or a Dask worker and reused from one repository to the next (its engine is built
once). A repository that runs past its time is stopped by killing the child's process group
(its git processes with it); a child that dies is a `crash` outcome, and the next repository
gets a new child. Messages are pickled records over the child's standard input and output."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from multiprocessing.connection import Connection

from pat_scan.fleet.work import Outcome, Setup, Task, failed

# Seconds a new child may take to start and build its engine (a cold Hyperscan cache compiles
# the rules): not counted in a repository's timeout.
STARTUP_TIMEOUT = 300.0


class Child:
    """The parent's end: one child at a time, started on first use."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._send: Connection | None = None
        self._receive: Connection | None = None
        self._setup: str | None = None  # digest of the setup the child holds

    def run(self, task: Task, setup: Setup, timeout: float) -> Outcome:
        """The task's outcome within `timeout` seconds (counted once the child is ready),
        whatever happens to the child."""
        started = time.time()
        stage = "clone"
        try:
            receive = self._ready(setup)
            if receive is None:
                return failed(task, "crash", "the scanning process did not start", started)
            assert self._send is not None
            deadline = time.monotonic() + timeout
            self._send.send(("task", task))
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not receive.poll(left):
                    self.stop()
                    detail = f"stopped after {timeout:g} s (while in {stage})"
                    return failed(task, f"{stage} timeout", detail, started)
                kind, value = receive.recv()
                if kind == "stage":
                    stage = value
                else:
                    outcome: Outcome = value
                    return outcome
        except (EOFError, OSError):
            return failed(task, "crash", self._death(), started)

    def _ready(self, setup: Setup) -> Connection | None:
        """The child's end to read from once it holds `setup` and its engine; None if it
        does not get there in STARTUP_TIMEOUT seconds."""
        if self._process is None or self._process.poll() is not None:
            self.stop()
            self._start()
        assert self._send is not None and self._receive is not None
        if self._setup != setup.digest:
            self._send.send(("setup", setup))
            if not self._receive.poll(STARTUP_TIMEOUT) or self._receive.recv() != ("ready", None):
                self.stop()
                return None
            self._setup = setup.digest
        return self._receive

    def _start(self) -> None:
        process = subprocess.Popen(
            [sys.executable, "-m", "pat_scan.fleet.child"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            start_new_session=True,  # its own process group: stopped with its git processes
        )
        assert process.stdin is not None and process.stdout is not None
        self._process = process
        self._send = Connection(os.dup(process.stdin.fileno()), readable=False)
        self._receive = Connection(os.dup(process.stdout.fileno()), writable=False)
        process.stdin.close()
        process.stdout.close()

    def _death(self) -> str:
        """How the child ended (it is gone, or is made to be)."""
        process = self._process
        code = None
        if process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = process.wait(timeout=5)
        self.stop()
        if code is None:
            return "the scanning process stopped answering"
        if code < 0:
            return f"the scanning process was killed by signal {-code} ({_signal_name(-code)})"
        return f"the scanning process exited with status {code}"

    def close(self) -> None:
        """No more tasks: the child ends on its own (it is killed if it does not)."""
        if self._send is not None:
            with contextlib.suppress(OSError):
                self._send.close()
            self._send = None
        if self._process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=10)
        self.stop()

    def stop(self) -> None:
        """Kill the child and everything in its process group, and forget it."""
        process, self._process = self._process, None
        for end in (self._send, self._receive):
            if end is not None:
                with contextlib.suppress(OSError):
                    end.close()
        self._send = self._receive = None
        self._setup = None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return "unknown"


def main() -> None:
    """The child: set up, then one task after another until its input closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    receive = Connection(os.dup(0), writable=False)
    send = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # a stray print must not corrupt the messages
    with open(os.devnull, "rb") as devnull:
        os.dup2(devnull.fileno(), 0)
    _isolate_git()
    _exit_with_parent()
    from pat_scan import engine
    from pat_scan.fleet import work

    setup: Setup | None = None
    matcher = None
    while True:
        try:
            kind, value = receive.recv()
        except (EOFError, OSError):
            return
        if kind == "setup":
            setup, matcher = value, engine.create(value.rules)
            send.send(("ready", None))
            continue
        assert setup is not None and matcher is not None, "a task before the setup"

        def stage(name: str) -> None:
            send.send(("stage", name))

        send.send(("done", work.run(value, setup, matcher, stage)))


def _isolate_git() -> None:
    """Git in this process works on mirrors only: variables that point it at another repository
    are dropped (the user's own configuration variables stay), and replace refs, which can hide
    history from a walk, are ignored."""
    from pat_scan import git

    for name in git.local_environment_variables():
        if not name.startswith("GIT_CONFIG"):
            os.environ.pop(name, None)
    os.environ["GIT_NO_REPLACE_OBJECTS"] = "1"


def _exit_with_parent() -> None:
    """End when the parent does, with the git processes of this process group (a killed client
    or worker leaves no scanner or clone behind)."""
    import threading

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os.killpg(os.getpgid(0), signal.SIGKILL)

    threading.Thread(target=watch, daemon=True).start()


if __name__ == "__main__":
    main()
