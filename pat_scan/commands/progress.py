"""The progress line a history scan shows on a terminal."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


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
