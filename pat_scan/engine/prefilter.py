"""The prefilter protocol: cheap, complete proposals of where each rule may match."""

from __future__ import annotations

from typing import Protocol

# rule index -> byte ranges (start, end) that together contain every match of that rule
Regions = dict[int, list[tuple[int, int]]]


class Prefilter(Protocol):
    def regions(self, data: bytes, path: str = "") -> Regions:
        """Every true match of rule i lies wholly inside one of regions[i]; may over-approximate.
        Rules limited to files that `path` is not may be left out."""
        ...
