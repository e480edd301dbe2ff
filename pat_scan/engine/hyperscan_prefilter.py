"""Hyperscan prefilter: every rule's regex in two databases (rules limited to some files apart,
scanned only for those files), compiled once and cached on disk.

Patterns compile with HS_FLAG_PREFILTER, so constructs Hyperscan cannot run exactly (lookarounds)
still compile to a superset; a rule whose regex Hyperscan rejects anyway falls back to its
keywords. Hyperscan reports match end offsets, so a hit at `end` proposes the region
[end - max_width - 1, end], and for a keyword max_width past it too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import hyperscan

from pat_scan import cache
from pat_scan import rules as rule_packs
from pat_scan.engine.matcher import word_alternation
from pat_scan.engine.prefilter import Regions
from pat_scan.rules import Rule

_REGEX_FLAGS = hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_ALLOWEMPTY
_KEYWORD_FLAGS = hyperscan.HS_FLAG_CASELESS


class HyperscanPrefilter:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self._rules = rules
        # Rules limited to some files (.env, .pgpass, shell history) are among the costliest to
        # run and apply to few files: their own database is scanned only where they apply
        # (pytest's history: 43% less Hyperscan time).
        limited = frozenset(i for i, rule in enumerate(rules) if rule.paths)
        general = frozenset(range(len(rules))) - limited
        # Pattern ids are rule indexes; rules in `_by_keywords` are there as their keywords.
        self._key = rule_packs.fingerprint(rules)
        self._parts = {"general": general, "limited": limited}
        self._general, by_keywords = _cached_database(rules, general, f"{self._key}-general")
        self._limited, limited_by_keywords = _cached_database(
            rules, limited, f"{self._key}-limited"
        )
        self._by_keywords = by_keywords | limited_by_keywords
        # What a report at `end` proposes, by rule: [end - before, end + after] (see regions).
        self._reach = [
            (rule.max_width + 1, rule.max_width if index in self._by_keywords else 0)
            for index, rule in enumerate(rules)
        ]
        self._limited_globs = tuple(glob for i in sorted(limited) for glob in rules[i].paths)
        # The same expressions reporting each match once, built on first need (a dense file).
        self._single: dict[str, hyperscan.Database | None] | None = None

    def regions(self, data: bytes, path: str = "") -> Regions:
        found: Regions = {}
        if not data:
            return found
        ends: list[tuple[int, int]] = []
        # One report costs a Python call; a file packed with keywords would make millions (a
        # loose prefilter expression reports at almost every byte of 'password=password=...').
        # Past this many the scan stops, and `_present` says which rules occur at all.
        limit = DENSE_REPORTS + len(data) // 256

        def on_match(pattern_id: int, start: int, end: int, flags: int, context: object) -> bool:
            ends.append((pattern_id, end))
            return len(ends) > limit

        for database in self._databases(path):
            try:
                database.scan(data, match_event_handler=on_match)
            except hyperscan.error:
                if len(ends) <= limit:
                    raise
                return self._present(data, path)
        # Before: +1, the expression may have consumed one character past the match (see
        # below); after: a rule found by its keywords may run on past them.
        reach = self._reach
        for index, end in ends:
            before, after = reach[index]
            start, stop = end - before, end + after
            if start < 0:
                start = 0
            proposed = found.get(index)
            if proposed is None:
                found[index] = [(start, stop)]
                continue
            first, last = proposed[-1]
            # A region overlapping the one before is one with it (the matcher's line windows
            # depend on the union only): a rule's expression reports at each end it can, ten
            # in a row for one candidate. (Conditionals, not min/max: this runs per report.)
            if start <= last and stop >= first:
                proposed[-1] = (start if start < first else first, stop if stop > last else last)
            else:
                proposed.append((start, stop))
        return found

    def _present(self, data: bytes, path: str) -> Regions:
        """The whole buffer for each rule that occurs in it, from databases that report each
        expression once (the matcher then looks for the rules' keywords itself)."""
        if self._single is None:
            self._single = {
                name: _cached_single(
                    self._rules, selected, self._by_keywords, f"{self._key}-{name}"
                )
                for name, selected in self._parts.items()
            }
        present: set[int] = set()

        def on_match(pattern_id: int, start: int, end: int, flags: int, context: object) -> None:
            present.add(pattern_id)

        for name, database in self._single.items():
            if database is not None and (name == "general" or self._limited_applies(path)):
                database.scan(data, match_event_handler=on_match)
        return {index: [(0, len(data))] for index in present}

    def _databases(self, path: str) -> list[hyperscan.Database]:
        databases = [self._general] if self._general is not None else []
        if self._limited is not None and self._limited_applies(path):
            databases.append(self._limited)
        return databases

    def _limited_applies(self, path: str) -> bool:
        return rule_packs.path_matches(self._limited_globs, path)


def _cached_database(
    rules: Sequence[Rule], selected: frozenset[int], key: str
) -> tuple[hyperscan.Database | None, set[int]]:
    """(database of the `selected` rules, indexes of the rules it holds as keywords), from the
    cache (under `key`) when it can. No database when none has a keyword: rules without one are
    checked whole by the matcher, and every other rule gives Hyperscan an expression."""
    if not any(rules[i].keywords for i in selected):
        return None, set()
    version = getattr(hyperscan, "__version__", "0")
    name = f"hs-{key}-{version}-{_EXPRESSION_FORMAT}.db"
    blob = cache.read_bytes(name)
    if blob is not None:
        listed, _, serialized = blob.partition(b"\n")
        try:
            loaded = hyperscan.loadb(serialized, hyperscan.HS_MODE_BLOCK)
            loaded.scratch = hyperscan.Scratch(loaded)
            return loaded, {int(i) for i in listed.split(b",") if i}
        except (hyperscan.error, ValueError):
            pass  # stale or corrupt: rebuild below
    database, by_keywords = _compile(rules, selected)
    listed = ",".join(str(i) for i in sorted(by_keywords)).encode()
    cache.write_bytes(name, listed + b"\n" + hyperscan.dumpb(database))
    return database, by_keywords


def _cached_single(
    rules: Sequence[Rule], selected: frozenset[int], by_keywords: set[int], key: str
) -> hyperscan.Database | None:
    """The expressions of the `selected` rules' database (as its build chose them), each
    reporting at most once a scan, from the cache when it can."""
    if not any(rules[i].keywords for i in selected):
        return None
    version = getattr(hyperscan, "__version__", "0")
    name = f"hs-{key}-single-{version}-{_EXPRESSION_FORMAT}.db"
    blob = cache.read_bytes(name)
    if blob is not None:
        try:
            loaded = hyperscan.loadb(blob, hyperscan.HS_MODE_BLOCK)
            loaded.scratch = hyperscan.Scratch(loaded)
            return loaded
        except (hyperscan.error, ValueError):
            pass  # stale or corrupt: rebuild below
    database = _build(rules, selected, by_keywords & selected, hyperscan.HS_FLAG_SINGLEMATCH)
    cache.write_bytes(name, hyperscan.dumpb(database))
    return database


def _compile(
    rules: Sequence[Rule], selected: frozenset[int]
) -> tuple[hyperscan.Database, set[int]]:
    """One database; rules whose regex Hyperscan rejects, or approximates so loosely that it
    reports almost everywhere, are prefiltered by their keywords instead."""
    # Very wide patterns (private key blocks, long token forms) cost seconds to compile and are
    # anchored on rare literals anyway: their keywords prefilter them as well.
    by_keywords = {i for i in selected if rules[i].max_width > _WIDEST_COMPILED}
    # Rules without keywords are limited to file names and checked whole by the matcher;
    # in the database they would only report all over other files.
    by_keywords |= {i for i in selected if not rules[i].keywords}
    database = _build_accepted(rules, selected, by_keywords)
    loose = _too_loose(database) - by_keywords
    if not loose:
        return database, by_keywords
    by_keywords |= loose
    return _build(rules, selected, by_keywords), by_keywords


def _build_accepted(
    rules: Sequence[Rule], selected: frozenset[int], by_keywords: set[int]
) -> hyperscan.Database:
    """Build, moving each rule whose expression Hyperscan refuses into `by_keywords`. Its error
    does not say which expression it refused ("at index N" is a character of it), so once a
    build fails each rule is tried alone; should the rest still fail together, every rule is
    prefiltered by its keywords, which are literals."""
    try:
        return _build(rules, selected, by_keywords)
    except hyperscan.error:
        by_keywords |= {
            i
            for i in selected - by_keywords
            if not all(_compiles(e) for e in _expressions(rules[i].regex))
        }
    try:
        return _build(rules, selected, by_keywords)
    except hyperscan.error:
        by_keywords |= selected
        return _build(rules, selected, by_keywords)


def _too_loose(database: hyperscan.Database) -> set[int]:
    """Rules reporting more than once per 64 bytes of ordinary, credential-free text: prefilter
    mode may widen a complex regex until it matches nearly every byte (measured: one rule gave
    2 million reports in 5 MB), and every report is a Python callback."""
    counts: dict[int, int] = {}

    def on_match(pattern_id: int, start: int, end: int, flags: int, context: object) -> None:
        counts[pattern_id] = counts.get(pattern_id, 0) + 1

    text = _calibration_text()
    database.scan(text, match_event_handler=on_match)
    return {index for index, n in counts.items() if n > len(text) // 64}


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


def _build(
    rules: Sequence[Rule], selected: frozenset[int], by_keywords: set[int], extra: int = 0
) -> hyperscan.Database:
    expressions, ids, flags = _patterns(rules, selected, by_keywords)
    flags = [flag | extra for flag in flags]
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=expressions, ids=ids, elements=len(expressions), flags=flags)
    return database


def _patterns(
    rules: Sequence[Rule], selected: frozenset[int], by_keywords: set[int]
) -> tuple[list[bytes], list[int], list[int]]:
    """(expressions, the rule index of each, flags): a rule's regex, or one literal a keyword."""
    expressions: list[bytes] = []
    ids: list[int] = []
    flags: list[int] = []
    for index in sorted(selected):
        rule = rules[index]
        if index in by_keywords:
            literals = [_literal(keyword.encode()) for keyword in rule.keywords]
            expressions += literals
            ids += [index] * len(literals)
            flags += [_KEYWORD_FLAGS] * len(literals)
        else:
            split = _expressions(rule.regex)
            expressions += split
            ids += [index] * len(split)
            flags += [_REGEX_FLAGS] * len(split)
    return expressions, ids, flags


# Reports in one buffer past which it counts as dense (plus one per 256 bytes of it).
DENSE_REPORTS = 10_000
# Bump when `_expressions`, the flags or which rules Hyperscan takes change: the cached
# database is keyed by it.
_EXPRESSION_FORMAT = 13
_WIDEST_COMPILED = 2100
_TRAILING_GUARD = re.compile(r"\(\?!\[(\^?)((?:\\.|[^\]\\])+)\]\)$")


# A group of many plain words, such as a rule's list of service names, and how many of them one
# expression holds: prefilter mode approximates a large alternation so loosely that the 249-name
# service rule reported 310 million times in 618 MB of pytest's history, and 0 times in chunks
# of 16 names (scanning 300x faster).
_WORDS_PER_EXPRESSION = 16
_WORD_ALTERNATION = word_alternation(_WORDS_PER_EXPRESSION + 1)  # more than one expression's worth


def _expressions(regex: str) -> list[bytes]:
    """The rule's regex as Hyperscan expressions: one, or one per chunk of its word list."""
    words = _WORD_ALTERNATION.search(regex)
    if words is None:
        return [_expression(regex)]
    names = words.group(1).split("|")
    head, tail = regex[: words.start(1)], regex[words.end(1) :]
    return [
        _expression(head + "|".join(names[i : i + _WORDS_PER_EXPRESSION]) + tail)
        for i in range(0, len(names), _WORDS_PER_EXPRESSION)
    ]


def _expression(regex: str) -> bytes:
    """The rule's regex as Hyperscan gets it, each group name once (it refuses a name
    used twice). A trailing `(?![class])` guard, which prefilter mode drops, becomes
    `(?:[^class]|$)`: it consumes the character after the token, so a token ending in a long
    repeat is reported once, not at every possible end (one Python callback each: for one rule
    that was 60x slower)."""
    from pat_scan.rules.regex_safety import one_group_per_name  # only when a database is built

    regex = one_group_per_name(regex)
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
