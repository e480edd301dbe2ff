"""Pure-Python prefilter: every rule's keywords, found by trie-shaped regexes.

`re` tries the branches of an alternation one by one at each position, so a flat alternation of
a few hundred keywords runs at ~8 MB/s. Nested by shared prefixes it fails faster (~23 MB/s), and
split into one regex per first byte, each starting with a literal that `re` finds with a memchr
scan, it reaches ~40 MB/s.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from pat_scan.engine.prefilter import Regions
from pat_scan.rules import Rule

# A trie node: next byte -> child; the key END marks the end of a keyword.
_Node = dict[int, "_Node"]
_END = -1


class KeywordPrefilter:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self._widths = [rule.max_width for rule in rules]
        owners: dict[bytes, list[int]] = defaultdict(list)
        for index, rule in enumerate(rules):
            for keyword in rule.keywords:
                owners[keyword.encode()].append(index)
        # The regexes match the longest keyword at a position; every keyword that is a prefix of
        # it occurs there too, so each match maps to all of them at once.
        self._at: dict[bytes, list[tuple[int, int]]] = {
            keyword: [
                (index, size)
                for size in range(1, len(keyword) + 1)
                for index in owners.get(keyword[:size], ())
            ]
            for keyword in owners
        }
        trie: _Node = {}
        for literal in owners:
            _insert(trie, literal)
        self._patterns = [
            re.compile(re.escape(bytes([first])) + _trie_pattern(child))
            for first, child in sorted(trie.items())
        ]

    def regions(self, data: bytes, path: str = "") -> Regions:
        found: Regions = {}
        lowered = data.lower()
        # A rule with more keyword hits than this in one buffer gets the whole buffer at once
        # (the matcher then looks for its keywords itself, up to its own limit): the regions
        # of a file packed with keywords must not outgrow the file (a region costs 72 bytes;
        # at one per 256 bytes, eight rules' regions of 10 MB of 'password=' took 30 MB).
        limit = DENSE_HITS + len(data) // 1024
        dense: set[int] = set()
        for pattern in self._patterns:
            search = pattern.search
            hit = search(lowered)
            while hit is not None:
                start = hit.start()
                for index, length in self._at[hit.group()]:
                    if index in dense:
                        continue
                    width = self._widths[index]
                    regions = found.setdefault(index, [])
                    regions.append((max(0, start - width), start + length + width))
                    if len(regions) > limit:
                        dense.add(index)
                        found[index] = [(0, len(data))]
                hit = search(lowered, start + 1)  # keywords may overlap
        return found


# Hits of one rule in one buffer past which it counts as dense (plus one per KiB of it).
DENSE_HITS = 10_000


def _insert(trie: _Node, keyword: bytes) -> None:
    node = trie
    for byte in keyword:
        node = node.setdefault(byte, {})
    node[_END] = {}


def _trie_pattern(node: _Node) -> bytes:
    branches = [
        re.escape(bytes([byte])) + _trie_pattern(child)
        for byte, child in sorted(node.items())
        if byte != _END
    ]
    if not branches:
        return b""
    body = branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")"
    # A keyword ends here: the rest is optional, and greedy, so the longest keyword wins.
    return b"(?:" + body + b")?" if _END in node else body


def trie_pattern(words: Sequence[str]) -> str:
    """A regex matching exactly `words`, nested by shared prefixes."""
    trie: _Node = {}
    for word in words:
        _insert(trie, word.encode())
    return _trie_pattern(trie).decode()
