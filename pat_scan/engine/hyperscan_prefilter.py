"""Hyperscan prefilter: every rule's regex in one database, compiled once and cached on disk.

Patterns compile with HS_FLAG_PREFILTER, so constructs Hyperscan cannot run exactly (lookarounds)
still compile to a superset; a rule whose regex Hyperscan rejects anyway falls back to its
keywords. Hyperscan reports match end offsets, so a hit at `end` proposes the region
[end - max_width, end].
"""

from __future__ import annotations

import re
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
            # +1: the expression may have consumed one character past the match (see below)
            found.setdefault(index, []).append((max(0, end - width - 1), end + after))
        return found


def _cached_database(rules: Sequence[Rule], keyword_ids: set[int]) -> hyperscan.Database | None:
    """Pattern ids are rule index * 2 (+1 for a keyword fallback), so one int says both."""
    if not rules:
        return None
    version = getattr(hyperscan, "__version__", "0")
    name = f"hs-{rule_packs.fingerprint(rules)}-{version}-{_EXPRESSION_FORMAT}.db"
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
    """One database; rules whose regex Hyperscan rejects, or approximates so loosely that it
    reports almost everywhere, are prefiltered by their keywords instead."""
    # Very wide patterns (private key blocks, long token forms) cost seconds to compile and are
    # anchored on rare literals anyway: their keywords prefilter them as well.
    rejected = {i for i, rule in enumerate(rules) if rule.max_width > _WIDEST_COMPILED}
    # Rules without keywords are limited to file names and checked whole by the matcher;
    # in the database they would only report all over other files.
    rejected |= {i for i, rule in enumerate(rules) if not rule.keywords}
    database = _build_accepted(rules, rejected)
    loose = _too_loose(database)
    if not loose and not rejected:
        return database
    return _build(rules, rejected | loose, keyword_ids)


def _build_accepted(rules: Sequence[Rule], rejected: set[int]) -> hyperscan.Database:
    """Build, moving each rule whose expression Hyperscan refuses to `rejected` (the error names
    the expression's index; without one, each rule is tried alone)."""
    for _ in range(len(rules) + 1):
        try:
            return _build(rules, rejected, set())
        except hyperscan.error as exc:
            index = _failing_rule(str(exc), rules, rejected)
            if index is None:
                rejected |= {
                    i for i, rule in enumerate(rules) if not _compiles(_expression(rule.regex))
                }
            else:
                rejected.add(index)
    raise AssertionError("unreachable: every rule ends up accepted or rejected")


def _failing_rule(message: str, rules: Sequence[Rule], rejected: set[int]) -> int | None:
    found = re.search(r"at index (\d+)", message)
    if found is None:
        return None
    accepted = [i for i in range(len(rules)) if i not in rejected]
    position = int(found.group(1))
    return accepted[position] if position < len(accepted) else None


def _too_loose(database: hyperscan.Database) -> set[int]:
    """Rules reporting more than once per 64 bytes of ordinary, credential-free text: prefilter
    mode may widen a complex regex until it matches nearly every byte (measured: one rule gave
    2 million reports in 5 MB), and every report is a Python callback."""
    counts: dict[int, int] = {}

    def on_match(pattern_id: int, start: int, end: int, flags: int, context: object) -> None:
        counts[pattern_id] = counts.get(pattern_id, 0) + 1

    text = _calibration_text()
    database.scan(text, match_event_handler=on_match)
    return {pattern_id >> 1 for pattern_id, n in counts.items() if n > len(text) // 64}


def _calibration_text() -> bytes:
    """About 100 KB of code-like text with no credential in it, the same every time: words
    that rules look for, and the long values code is full of (hashes, base64, UUIDs, URLs)."""
    import hashlib
    from base64 import b64encode

    words = [
        "def",
        "return",
        "self",
        "value",
        "config",
        "api",
        "key",
        "token",
        "password",
        "secret",
        "url",
        "http",
        "client",
        "import",
        "from",
        "class",
        "if",
        "else",
        "for",
        "in",
        "None",
        "True",
        "False",
        "auth",
        "user",
        "name",
        "id",
        "data",
        "json",
        "request",
        "response",
        "header",
        "session",
        "service",
        "access",
        "private",
        "public",
        "settings",
        "env",
    ]
    lines = []
    for n in range(300):
        a, b, c = words[n % len(words)], words[(n * 7) % len(words)], words[(n * 13) % len(words)]
        digest = hashlib.sha256(str(n).encode()).digest()
        lines += [
            f"    {a}_{b} = {c}.get('{b}-{n}', {n}) # {a} {c} item {n * 31}",
            f'    "integrity": "sha384-{b64encode(digest + digest[:16]).decode()}",',
            f'    {c}_id = "{digest.hex()[:8]}-{digest.hex()[8:12]}-4{digest.hex()[13:16]}-8a1b-'
            f'{digest.hex()[20:32]}"  # {digest.hex()}',
            f"    see https://docs.example.org/{b}/{c}?page={n}&sort={a}",
        ]
    return "\n".join(lines).encode()


def _build(rules: Sequence[Rule], rejected: set[int], keyword_ids: set[int]) -> hyperscan.Database:
    expressions: list[bytes] = []
    ids: list[int] = []
    flags: list[int] = []
    for index, rule in enumerate(rules):
        if index not in rejected:
            expressions.append(_expression(rule.regex))
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


# Bump when `_expression` or the flags change: the cached database is keyed by it.
_EXPRESSION_FORMAT = 7
_WIDEST_COMPILED = 2100
_TRAILING_GUARD = re.compile(r"\(\?!\[(\^?)((?:\\.|[^\]\\])+)\]\)$")


def _expression(regex: str) -> bytes:
    """The rule's regex as Hyperscan gets it. A trailing `(?![class])` guard, which prefilter
    mode drops, becomes `(?:[^class]|$)`: it consumes the character after the token, so a token
    ending in a long repeat is reported once, not at every possible end (one Python callback
    each: for one rule that was 60x slower)."""
    guard = _TRAILING_GUARD.search(regex)
    if guard is None:
        return regex.encode()
    negated, body = guard.groups()
    boundary = f"[{body}]" if negated else f"[^{body}]"
    return (regex[: guard.start()] + f"(?:{boundary}|$)").encode()


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
