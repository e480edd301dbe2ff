"""The progress lines a history scan and a fleet run show on a terminal."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pat_scan.fleet.work import Outcome


class TerminalProgress:
    """`objects/total blobs, MB, rate, ETA` on one carriage-return line, only when stderr is a
    terminal. The scan streams and does not know the total: a `git rev-list --count` run
    alongside tells it, and the ETA shows once that has answered."""

    def __init__(self, root: Path, revisions: Sequence[str]) -> None:
        import sys
        import time

        from pat_scan import git

        self.objects = 0
        self.bytes = 0
        self.total: int | None = None
        self.started = time.monotonic()
        self.shown = 0.0
        self.enabled = sys.stderr.isatty()
        count = ("rev-list", "--objects", "--filter=object:type=blob", "--count", *revisions, "--")
        self._counting = git.Spooled(count, root) if self.enabled else None

    def advance(self, objects: int, nbytes: int) -> None:
        import sys
        import time

        self.objects += objects
        self.bytes += nbytes
        now = time.monotonic()
        if not self.enabled or now - self.shown < 0.2:
            return
        self.shown = now
        elapsed = max(now - self.started, 1e-6)
        total = self._total()
        rate = self.objects / elapsed
        of = f"/{total}" if total else ""
        eta = f", ETA {(total - self.objects) / rate:.0f} s" if total and rate else ""
        sys.stderr.write(
            f"\rpat-scan history: {self.objects}{of} blobs, {self.bytes / 1e6:.0f} MB, "
            f"{self.bytes / 1e6 / elapsed:.0f} MB/s{eta}   "
        )
        sys.stderr.flush()

    def _total(self) -> int | None:
        from pat_scan.errors import GitError

        if self._counting is not None and self._counting.finished():
            try:
                self.total = int(b"".join(self._counting.records()).strip() or 0)
            except (GitError, ValueError):
                self.total = None  # only the ETA is lost: the scan reports its own failures
            self._counting.close()
            self._counting = None
        return self.total

    def stop(self) -> None:
        import sys

        if self._counting is not None:
            self._counting.close()
            self._counting = None
        if self.enabled and self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.shown = 0.0


class FleetProgress:
    """`done/total repositories, failed, findings, ETA` on one carriage-return line, only when
    stderr is a terminal; redrawn as each repository finishes."""

    def __init__(self) -> None:
        import sys
        import time

        self.enabled = sys.stderr.isatty()
        self.started_at = time.monotonic()
        self.total = 0
        self.done = 0
        self.failed = 0
        self.findings = 0
        self.shown = False

    def started(self, total: int) -> None:
        self.total = total
        self._draw()

    def finished(self, outcome: Outcome, findings: int) -> None:
        self.done += 1
        self.failed += outcome.status == "failed"
        self.findings += findings
        self._draw()

    def _draw(self) -> None:
        import sys
        import time

        if not self.enabled:
            return
        elapsed = time.monotonic() - self.started_at
        eta = ""
        if self.done and self.total > self.done:
            eta = f", ETA {_duration(elapsed / self.done * (self.total - self.done))}"
        failed = f", {self.failed} failed" if self.failed else ""
        sys.stderr.write(
            f"\rpat-scan fleet: {self.done}/{self.total} repositories{failed}, "
            f"{self.findings} finding(s){eta}   "
        )
        sys.stderr.flush()
        self.shown = True

    def stop(self) -> None:
        import sys

        if self.enabled and self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.shown = False


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
