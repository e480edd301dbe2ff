"""What a scan produced (findings, what was suppressed, statistics) and what makes it fail."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from pat_scan.findings import CONFIDENCE_ORDER, SEVERITY_ORDER, Finding

if TYPE_CHECKING:
    from pat_scan.suppress.baseline import Entry


# Why a file was not scanned that means it could not be checked (a binary, a symlink or an
# excluded file was never to be).
UNSCANNED = frozenset({"unreadable"})


def partly_checked(unchecked: Mapping[str, int]) -> str:
    """Why a file counts as not wholly checked: the places its rules could not check."""
    total = sum(unchecked.values())
    rules = ", ".join(sorted(unchecked))
    return f"partly checked: {total} places where {rules} could match were not checked"


class Stats:
    __slots__ = ("bytes", "files", "skipped", "unscanned")

    def __init__(self) -> None:
        self.files = 0
        self.bytes = 0
        self.skipped: Counter[str] = Counter()
        # Files pat-scan could not check, wholly or in part: path -> why. They make the run
        # fail (exit 3) unless the user allows them: a check that could not run never passes.
        self.unscanned: dict[str, str] = {}

    def add(
        self,
        files: int,
        nbytes: int,
        skipped: Mapping[str, int],
        unscanned: Mapping[str, str] | None = None,
    ) -> None:
        """Count what one part of a scan (a chunk, a worker's share) did."""
        self.files += files
        self.bytes += nbytes
        self.skipped.update(skipped)
        self.unscanned.update(unscanned or {})


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


class Notice(NamedTuple):
    """Something every report says about how complete the scan was."""

    kind: str  # 'interrupted' | 'shallow' | 'unscanned'
    message: str
    path: str | None = None  # the file it is about


class Result:
    __slots__ = ("findings", "interrupted", "paths", "shallow", "stale", "stats", "suppressed")

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.suppressed: list[Finding] = []
        self.stats = Stats()
        self.paths: list[str] = []  # every path scanned, as displayed
        self.stale: list[Entry] = []  # baseline entries that matched nothing
        self.interrupted = False  # stopped by Ctrl-C: what was found until then
        self.shallow = False  # a history scan of a shallow clone: older commits are missing

    @property
    def complete(self) -> bool:
        """Whether everything asked for was checked."""
        return not (self.interrupted or self.shallow or self.stats.unscanned)

    def notices(self) -> list[Notice]:
        found: list[Notice] = []
        if self.interrupted:
            found.append(
                Notice("interrupted", "interrupted: this reports what was found until then")
            )
        if self.shallow:
            found.append(
                Notice(
                    "shallow",
                    "this is a shallow clone: commits before its boundary were not scanned "
                    "(fetch the whole history first: git fetch --unshallow)",
                )
            )
        for path, why in sorted(self.stats.unscanned.items()):
            found.append(Notice("unscanned", f"{path}: not checked ({why})", path))
        return found

    def merge(self, part: Result) -> None:
        """Take in the findings and counts of a part of the scan (a chunk of files)."""
        stats = part.stats
        self.stats.add(stats.files, stats.bytes, stats.skipped, stats.unscanned)
        self.paths.extend(part.paths)
        self.findings.extend(part.findings)
