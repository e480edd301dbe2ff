"""Hyperscan prefilter: every rule's regex in one database, compiled once and cached on disk.

Patterns compile with HS_FLAG_PREFILTER, so constructs Hyperscan cannot run exactly (lookarounds)
still compile to a superset; a rule whose regex Hyperscan rejects anyway falls back to its
keywords. Hyperscan reports match end offsets, so a hit at `end` proposes the region
[end - max_width, end].
"""

from __future__ import annotations

from collections.abc import Sequence

import hyperscan

from pat_scan import cache
from pat_scan import rules as rule_packs
from pat_scan.engine.prefilter import Regions
from pat_scan.rules import Rule

_REGEX_FLAGS = hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_ALLOWEMPTY
_KEYWORD_FLAGS = hyperscan.HS_FLAG_CASELESS


class HyperscanPrefilter:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self._rules = rules
        self._keyword_ids: set[int] = set()
        self._database = _cached_database(rules, self._keyword_ids)

    def regions(self, data: bytes) -> Regions:
        found: Regions = {}
        if not data or self._database is None:
            return found
        ends: list[tuple[int, int]] = []

        def on_match(pattern_id: int, start: int, end: int, flags: int, context: object) -> None:
            ends.append((pattern_id, end))

        self._database.scan(data, match_event_handler=on_match)
        for pattern_id, end in ends:
            index = pattern_id >> 1
            width = self._rules[index].max_width
            after = width if pattern_id in self._keyword_ids else 0
            found.setdefault(index, []).append((max(0, end - width), end + after))
        return found


def _cached_database(rules: Sequence[Rule], keyword_ids: set[int]) -> hyperscan.Database | None:
    """Pattern ids are rule index * 2 (+1 for a keyword fallback), so one int says both."""
    if not rules:
        return None
    version = getattr(hyperscan, "__version__", "0")
    name = f"hs-{rule_packs.fingerprint(rules)}-{version}.db"
    blob = cache.read_bytes(name)
    if blob is not None:
        fallback_ids, _, serialized = blob.partition(b"\n")
        try:
            database = hyperscan.loadb(serialized, hyperscan.HS_MODE_BLOCK)
            database.scratch = hyperscan.Scratch(database)
            keyword_ids.update(int(i) for i in fallback_ids.split(b",") if i)
            return database
        except (hyperscan.error, ValueError):
            pass  # stale or corrupt: rebuild below
    database = _compile(rules, keyword_ids)
    ids = ",".join(str(i) for i in sorted(keyword_ids)).encode()
    cache.write_bytes(name, ids + b"\n" + hyperscan.dumpb(database))
    return database


def _compile(rules: Sequence[Rule], keyword_ids: set[int]) -> hyperscan.Database:
    try:
        return _build(rules, set(), keyword_ids)
    except hyperscan.error:
        # Find the rules Hyperscan rejects (one compile each, only on this rare path).
        rejected = {i for i, rule in enumerate(rules) if not _compiles(rule.regex.encode())}
        return _build(rules, rejected, keyword_ids)


def _build(rules: Sequence[Rule], rejected: set[int], keyword_ids: set[int]) -> hyperscan.Database:
    expressions: list[bytes] = []
    ids: list[int] = []
    flags: list[int] = []
    for index, rule in enumerate(rules):
        if index not in rejected:
            expressions.append(rule.regex.encode())
            ids.append(index * 2)
            flags.append(_REGEX_FLAGS)
            continue
        for keyword in rule.keywords:
            expressions.append(_literal(keyword.encode()))
            ids.append(index * 2 + 1)
            flags.append(_KEYWORD_FLAGS)
        keyword_ids.add(index * 2 + 1)
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=expressions, ids=ids, elements=len(expressions), flags=flags)
    return database


def _compiles(expression: bytes) -> bool:
    try:
        hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK).compile(
            expressions=[expression], ids=[0], elements=1, flags=[_REGEX_FLAGS]
        )
    except hyperscan.error:
        return False
    return True


def _literal(keyword: bytes) -> bytes:
    return b"".join(b"\\x%02x" % byte for byte in keyword)
