"""What a scan produced (findings, what was suppressed, statistics) and what makes it fail."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from pat_scan.findings import CONFIDENCE_ORDER, SEVERITY_ORDER, Finding

if TYPE_CHECKING:
    from pat_scan.suppress.baseline import Entry


class Stats:
    __slots__ = ("bytes", "files", "skipped")

    def __init__(self) -> None:
        self.files = 0
        self.bytes = 0
        self.skipped: Counter[str] = Counter()

    def add(self, files: int, nbytes: int, skipped: Mapping[str, int]) -> None:
        """Count what one part of a scan (a chunk, a worker's share) did."""
        self.files += files
        self.bytes += nbytes
        self.skipped.update(skipped)


class Policy(NamedTuple):
    """What makes a run fail."""

    min_confidence: str = "medium"
    fail_on: str = "low"  # lowest severity that fails

    def blocks(self, finding: Finding) -> bool:
        """Whether this finding fails the run; a suppressed one never does."""
        return (
            finding.suppressed is None
            and CONFIDENCE_ORDER[finding.confidence] >= CONFIDENCE_ORDER[self.min_confidence]
            and self.fails_on(finding.rule.severity)
        )

    def fails_on(self, severity: str) -> bool:
        return SEVERITY_ORDER[severity] >= SEVERITY_ORDER[self.fail_on]


class Result:
    __slots__ = ("findings", "interrupted", "paths", "stale", "stats", "suppressed")

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.suppressed: list[Finding] = []
        self.stats = Stats()
        self.paths: list[str] = []  # every path scanned, as displayed
        self.stale: list[Entry] = []  # baseline entries that matched nothing
        self.interrupted = False  # stopped by Ctrl-C: what was found until then

    def merge(self, part: Result) -> None:
        """Take in the findings and counts of a part of the scan (a chunk of files)."""
        self.stats.add(part.stats.files, part.stats.bytes, part.stats.skipped)
        self.paths.extend(part.paths)
        self.findings.extend(part.findings)
