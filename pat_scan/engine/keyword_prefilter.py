"""Pure-Python prefilter: every rule's keywords, found by one trie-shaped regex.

`re` tries the branches of an alternation one by one at each position, so a flat alternation of
a few hundred keywords runs at ~8 MB/s; nested by shared prefixes it fails fast on the first byte
and runs ~4x faster.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pat_scan.engine.prefilter import Regions
from pat_scan.rules import Rule

# A trie node: next byte -> child; the key None holds the rule indexes of a keyword ending here.
_Node = dict[int | None, "_Node | list[int]"]


class KeywordPrefilter:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self._widths = [rule.max_width for rule in rules]
        self._trie: _Node = {}
        for index, rule in enumerate(rules):
            for keyword in rule.keywords:
                _insert(self._trie, keyword.encode(), index)
        self._pattern = re.compile(_trie_pattern(self._trie)) if self._trie else None

    def regions(self, data: bytes) -> Regions:
        found: Regions = {}
        if self._pattern is None:
            return found
        lowered = data.lower()
        search = self._pattern.search
        hit = search(lowered)
        while hit is not None:
            start = hit.start()
            for index, length in _keywords_at(self._trie, lowered, start):
                width = self._widths[index]
                found.setdefault(index, []).append((max(0, start - width), start + length + width))
            hit = search(lowered, start + 1)  # keywords may overlap
        return found


def _insert(trie: _Node, keyword: bytes, index: int) -> None:
    node = trie
    for byte in keyword:
        child = node.setdefault(byte, {})
        assert isinstance(child, dict)
        node = child
    ends = node.setdefault(None, [])
    assert isinstance(ends, list)
    ends.append(index)


def _keywords_at(trie: _Node, data: bytes, start: int) -> list[tuple[int, int]]:
    """(rule index, keyword length) for every keyword that occurs at `start`."""
    found: list[tuple[int, int]] = []
    node = trie
    for offset in range(start, len(data)):
        child = node.get(data[offset])
        if not isinstance(child, dict):
            break
        node = child
        ends = node.get(None)
        if isinstance(ends, list):
            found.extend((index, offset - start + 1) for index in ends)
    return found


def _trie_pattern(node: _Node) -> bytes:
    branches = [
        re.escape(bytes([byte])) + _trie_pattern(child)
        for byte, child in sorted((k, v) for k, v in node.items() if k is not None)
        if isinstance(child, dict)
    ]
    if not branches:
        return b""
    body = branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")"
    # A keyword ends here: the rest is optional (the search only needs the first byte right).
    return b"(?:" + body + b")?" if None in node else body
