"""Confirm prefilter proposals with each rule's regex, then gate the secret.

Proposed regions are widened to whole lines and merged before the regex runs. A match therefore
never depends on where a prefilter happened to hit: both engines give the same findings as long as
each proposes every line a match touches.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from pat_scan.engine import placeholders
from pat_scan.engine.entropy import shannon
from pat_scan.engine.prefilter import Prefilter
from pat_scan.rules import Rule

if TYPE_CHECKING:  # the judge is imported only once a candidate needs it
    from pat_scan.engine.features import Candidate
    from pat_scan.engine.judge import Verdict


class Match(NamedTuple):
    rule: Rule
    start: int  # byte offsets of the secret in the scanned data
    end: int
    secret: str
    confidence: str  # high | medium | low
    suppressed: str | None = None  # why the engine dropped it ('placeholder', ...), or None
    why_low: str | None = None  # why the confidence is low, when it is

    def __repr__(self) -> str:  # never the secret, not even in a traceback
        return f"Match({self.rule.id!r}, {self.start}, {self.end}, {self.confidence!r})"


class Within:
    """Byte spans of a buffer that a scan is about (the lines a commit adds), each [start, end)
    from the start of its first line to the start of the line after its last: a match is wanted
    when one of its lines is in one, as a finding's lines are counted (its last line is the
    one its end offset is on)."""

    __slots__ = ("_ends", "_starts", "newline")

    def __init__(self, spans: Sequence[tuple[int, int]], newline: bytes) -> None:
        self.newline = newline  # what ends a line in the buffer
        self._starts = [start for start, _ in spans]  # sorted, not overlapping
        self._ends = [end for _, end in spans]

    def touches(self, start: int, end: int) -> bool:
        """Whether data[start:end] is on a line of a span."""
        first = bisect_right(self._ends, start)  # the first span that ends after `start`
        return first < len(self._starts) and end >= self._starts[first]

    def holds_part_of(self, start: int, end: int) -> bool:
        """Whether data[start:end] holds a byte of a span (its last byte is at end - 1): a
        window of lines that ends where an added line starts holds none, so nothing in it
        need be confirmed."""
        return self.touches(start, end - 1)


class Matcher:
    def __init__(self, rules: Sequence[Rule], prefilter: Prefilter, kind: str) -> None:
        self.rules = rules
        self.kind = kind
        self._prefilter = prefilter
        self._compiled: dict[int, Any] = {}
        self._whole_file_rules = [i for i, rule in enumerate(rules) if not rule.keywords]
        self.judging = True  # off only to collect the judge's training candidates

    def scan(
        self,
        data: bytes,
        path: str = "",
        *,
        every: bool = False,
        unchecked: Counter[str] | None = None,
        within: Within | None = None,
    ) -> list[Match]:
        """Matches in `data`, scanned as the file `path` (rules with `paths` need a match).

        Overlapping generic matches are resolved to one per secret, unless `every` (checking a
        rule's own examples asks whether it matches, not whether it wins). Places a rule could
        not check (past MAX_FAILED failed places, MAX_FOUND matches or MAX_JUDGED judged
        candidates) are counted in `unchecked`, by rule id. With `within`, only matches on its
        lines (and whatever could change which of them is kept) are looked for: the rest of
        the file is neither confirmed nor judged."""
        matches = None
        if within is not None:
            partial: Counter[str] = Counter()
            matches = self._matches(data, path, partial, within)
            # A match off those lines can only change which one is kept if it overlaps a kept
            # generic match that runs over more than one line: then the file is scanned whole.
            if any(
                within.newline in data[m.start : m.end] for m in matches if "generic" in m.rule.tags
            ):
                matches = None
            elif unchecked is not None:
                unchecked.update(partial)
        if matches is None:
            matches = self._matches(data, path, unchecked, None)
        return matches if every else _without_generic_overlaps(matches)

    def _matches(
        self, data: bytes, path: str, unchecked: Counter[str] | None, within: Within | None
    ) -> list[Match]:
        """Every rule's matches in `data`, sorted, before overlaps are resolved."""
        illustrative = placeholders.example_location(path)
        matches: list[Match] = []
        proposed = self._prefilter.regions(data, path)
        for index in self._whole_file_rules:  # no keyword to look for: the file name selects
            if data:
                proposed.setdefault(index, []).append((0, len(data)))
        for index, regions in sorted(proposed.items()):
            rule = self.rules[index]
            if not rule.applies_to(path):
                continue
            windows = _line_windows(data, regions)
            if within is not None:
                windows = [w for w in windows if within.holds_part_of(*w)]
            if not windows:
                continue  # nothing to confirm: its regex need not even be compiled
            candidates = _Candidates(data, rule, self._pattern(index))
            judged = path if self.judging else None
            # A judged rule's candidates are counted whether or not they match; others' matches.
            each = judged is not None and "generic" in rule.tags
            limit = MAX_JUDGED if each else MAX_FOUND
            counted = 0
            for window in windows:
                for found in candidates.matches(window):
                    if within is not None and not within.touches(*found.span("secret")):
                        continue
                    match = _gate(rule, found, data, illustrative, judged)
                    if match is not None:
                        matches.append(match)
                    counted += each or match is not None
                    if counted == limit:
                        candidates.unchecked += _places_after(data, rule, found.end())
                        break
                if counted == limit:
                    break
            if candidates.unchecked and unchecked is not None:
                unchecked[rule.id] += candidates.unchecked
        matches.sort(key=lambda m: (m.start, m.end, m.rule.id))
        return matches

    def _pattern(self, index: int) -> Any:
        compiled = self._compiled.get(index)
        if compiled is None:
            import regex  # only once something needs confirming: a clean commit never pays for it

            pattern = factor_alternations(self.rules[index].regex)
            compiled = self._compiled[index] = regex.compile(pattern.encode())
        return compiled


def word_alternation(min_words: int) -> re.Pattern[str]:
    """A group of at least `min_words` plain words, such as a rule's list of service names:
    `(?:apple|apricot|...)`, the words in group 1."""
    return re.compile(r"\(\?:(\w+(?:\|\w+){" + str(min_words - 1) + r",})\)")


_WORD_ALTERNATION = word_alternation(8)


def factor_alternations(pattern: str) -> str:
    """`(?:apple|apricot|banana|...)` nested by shared prefixes: the same words, but the regex
    engine fails at the first letter instead of trying every word at every position (a rule
    with 242 service names confirmed 2.8x faster)."""
    from pat_scan.engine.keyword_prefilter import trie_pattern

    def factored(group: re.Match[str]) -> str:
        return "(?:" + trie_pattern(group.group(1).split("|")) + ")"

    return _WORD_ALTERNATION.sub(factored, pattern)


def _without_generic_overlaps(matches: list[Match]) -> list[Match]:
    """One finding per secret where generic rules overlap: a provider rule says more than a
    generic rule for one kind of file (.env), which says more than a generic rule. Equal
    generic rules on one secret keep the first rule id, so both engines keep the same one."""
    kept: list[Match] = []
    for cluster in _overlapping(matches):
        for match in cluster:
            if "generic" not in match.rule.tags or all(
                _beats(match, other)
                for other in cluster
                if other is not match
                and other.suppressed is None  # a suppressed match must not hide a live one
                and other.start < match.end
                and match.start < other.end
            ):
                kept.append(match)
    return kept


def _overlapping(matches: list[Match]) -> Iterator[list[Match]]:
    """Matches (sorted by start) in runs that chain by overlap: a match can only overlap others
    of its own run, so rivals are looked for there (all pairs of a 6,000-match file took 1.3 s)."""
    run: list[Match] = []
    reach = -1
    for match in matches:
        if run and match.start >= reach:
            yield run
            run, reach = [], -1
        run.append(match)
        reach = max(reach, match.end)
    if run:
        yield run


def _beats(match: Match, other: Match) -> bool:
    """Whether a generic `match` is kept against an overlapping `other`."""
    return (_rank(match), other.rule.id) > (_rank(other), match.rule.id)


def _rank(match: Match) -> int:
    if "generic" not in match.rule.tags:
        return 2
    return 1 if match.rule.paths else 0


# A window longer than this (a minified file's line, hits on line after line) is confirmed
# around each occurrence of the rule's keywords, a piece at a time, rather than from end to end.
LONG_WINDOW = 16 * 1024
PIECE = 32 * 1024
# Keyword places where one rule's regex found nothing, in one file, after which the rest of its
# places are counted as unchecked instead of tried. A file made of keywords ('password=password=
# ...', a key header over and over) must not cost a regex attempt for each of millions of them;
# what is left is reported (the hook fails closed), never dropped in silence. Places that do
# match never count here (MAX_FOUND and MAX_JUDGED bound those).
MAX_FAILED = 5_000
# Matches of one rule in one file, after which the rest of its places are counted as unchecked.
# Each costs its checks, a fingerprint and a report line (about 80 us and 2 KB in all): a file
# of 244,000 valid tokens took 55 s to report whole. No real file holds this many
# secrets of one kind; one made to hold them is reported in part and fails closed.
MAX_FOUND = 10_000
# Candidates of one judged (generic) rule in one file, likewise: the judge takes about 0.5 ms a
# candidate, so 200,000 `password = '...'` lines would take minutes.
MAX_JUDGED = 500
REGEX_TIMEOUT = 5.0  # seconds on one window or piece: a backstop that safe regexes never reach


class _Candidates:
    """How one rule's regex runs over one buffer. A short window is confirmed whole. A long one
    is confirmed around the places its keywords occur, in pieces of at most PIECE bytes: a match
    holds a keyword and is at most the rule's width long, so a match is found in the piece of
    the first keyword place it holds. Places that no match covers count as failed."""

    __slots__ = ("data", "failed", "pattern", "rule", "unchecked")

    def __init__(self, data: bytes, rule: Rule, pattern: Any) -> None:
        self.data = data
        self.rule = rule
        self.pattern = pattern
        self.failed = 0
        self.unchecked = 0

    def matches(self, window: tuple[int, int]) -> Iterator[Any]:
        start, end = window
        if end - start <= LONG_WINDOW or not self.rule.keywords:
            yield from self._finditer(start, end)
            return
        lowered = self.data[start:end].lower()
        places = _places(lowered, self.rule.keywords)
        width = self.rule.max_width
        pending = next(places, None)
        while pending is not None:
            if self.failed > MAX_FAILED:  # the places left, counted in C (an estimate for
                # keywords that overlap each other)
                position = pending[0]
                self.unchecked += sum(
                    lowered.count(k.encode(), position) for k in self.rule.keywords
                )
                return
            piece = [pending]
            pending = next(places, None)
            while pending is not None and pending[0] - piece[0][0] < PIECE:
                piece.append(pending)
                pending = next(places, None)
            accept_from = max(0, piece[0][0] - width)
            accept_to = len(lowered) if pending is None else max(0, pending[0] - width)
            search_to = min(len(lowered), piece[-1][1] + width)
            spans: list[tuple[int, int]] = []
            for found in self._finditer(start + accept_from, start + search_to):
                if found.start() < start + accept_to:
                    spans.append((found.start() - start, found.end() - start))
                    yield found
            self.failed += _uncovered(piece, spans)

    def _finditer(self, start: int, end: int) -> Iterator[Any]:
        """The regex's matches in data[start:end]. Pack loading refuses regexes that could
        backtrack without end; should one still run past REGEX_TIMEOUT on one span, the span
        counts as unchecked rather than holding up the scan."""
        try:
            yield from self.pattern.finditer(self.data, start, end, timeout=REGEX_TIMEOUT)
        except TimeoutError:
            self.unchecked += 1


def _places_after(data: bytes, rule: Rule, offset: int) -> int:
    """How many places of `rule` are left in data[offset:]: its keywords' occurrences (for a
    rule without keywords, one while any byte is left)."""
    if not rule.keywords:
        return int(offset < len(data))
    rest = data[offset:].lower()
    return sum(rest.count(keyword.encode()) for keyword in rule.keywords)


def _places(lowered: bytes, keywords: Sequence[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of each keyword occurrence in `lowered`, in order, found as they are asked
    for (a window of millions of them is never listed whole)."""
    import heapq

    def occurrences(keyword: bytes) -> Iterator[tuple[int, int]]:
        found = lowered.find(keyword)
        while found != -1:
            yield found, found + len(keyword)
            found = lowered.find(keyword, found + 1)

    return heapq.merge(*(occurrences(k.encode()) for k in keywords))


def _uncovered(places: list[tuple[int, int]], spans: list[tuple[int, int]]) -> int:
    """How many of `places` (sorted) no span (sorted by start) contains."""
    uncovered = 0
    index = 0
    reach = -1
    for first, last in places:
        while index < len(spans) and spans[index][0] <= first:
            reach = max(reach, spans[index][1])
            index += 1
        if reach < last:
            uncovered += 1
    return uncovered


def _line_windows(data: bytes, regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Regions widened to whole lines, sorted and merged (a window ends after its last
    newline). Linear in the data however many regions there are: each search for a line's
    start stops at the end of the window before it, and a region inside the current window
    needs no search at all (a megabyte-long line of hits once cost a search per hit)."""
    windows: list[tuple[int, int]] = []
    window_start = window_end = 0
    for start, end in sorted(regions):
        end = min(end, len(data))
        if windows and start < window_end:
            if end >= window_end:  # the line holding `end` (as before) is one more
                window_end = _after_line(data, end)
                windows[-1] = (window_start, window_end)
            continue
        found = data.rfind(b"\n", window_end, start)
        line_start = found + 1 if found != -1 else window_end
        line_end = _after_line(data, end)
        if windows and line_start <= window_end:  # the next line: one window
            window_end = max(window_end, line_end)
            windows[-1] = (window_start, window_end)
        else:
            window_start, window_end = line_start, line_end
            windows.append((window_start, window_end))
    return windows


def _after_line(data: bytes, offset: int) -> int:
    """Where the line holding `offset` ends, past its newline (or the end of the data)."""
    found = data.find(b"\n", offset)
    return len(data) if found == -1 else found + 1


def _gate(
    rule: Rule, found: Any, data: bytes, illustrative: bool = False, judged: str | None = None
) -> Match | None:
    """Placeholder → entropy → validator → rule allow → judge; None when it is not a match.

    In an `illustrative` file (documentation examples, `.env.example`) a match is reported at
    low confidence unless a checksum proves the provider's algorithm made it. With `judged`
    (the file's path), the credential judge sets the confidence of a match no checksum backs."""
    start, end = found.span("secret")
    if start < 0 or start == end:
        return None
    secret = data[start:end].decode("utf-8", "replace")
    if rule.entropy is not None and shannon(secret) < rule.entropy:
        return None
    confidence = "medium"
    why_low: str | None = None
    checksummed = False
    if rule.validator is not None:
        from pat_scan.validators import CHECKS

        check = CHECKS.get(rule.validator)  # validators.validate(), with one look-up
        if check is not None and check.validate(secret):
            checksummed = check.checksummed
            confidence = "high"
        elif rule.invalid == "drop":
            return None
        else:
            confidence, why_low = "low", "its checksum or structure fails: a fake or test value"
    reason = placeholders.reason(secret, validated=checksummed, password="password" in rule.tags)
    if reason is None and any(p.search(secret) for p in _allow_patterns(rule.allow)):
        reason = "rule allow"
    if reason is None and judged is not None and not checksummed and why_low is None:
        confidence, reason, why_low = _judged(rule, data, start, end, judged)
    if illustrative and not checksummed and why_low is None:
        confidence, why_low = "low", "in a documentation or example file"
    return Match(rule, start, end, secret, confidence, reason, why_low)


@functools.lru_cache(maxsize=512)
def _allow_patterns(allow: tuple[str, ...]) -> tuple[Any, ...]:
    """A rule's allow regexes, compiled once (looking each up in regex's own cache per match
    cost 24 us a pattern)."""
    import regex

    return tuple(regex.compile(pattern) for pattern in allow)


@functools.lru_cache(maxsize=4096)
def _verdict(candidate: Candidate) -> Verdict:
    """The judge's verdict, once per process for each candidate: a history holds the same one
    in many versions of a file (pytest's: 2,787 candidates judged, 114 of them distinct)."""
    from pat_scan.engine import judge

    return judge.judge(candidate)


def _judged(
    rule: Rule, data: bytes, start: int, end: int, path: str
) -> tuple[str, str | None, str | None]:
    """(confidence, suppressed reason, why it is low) of a match no checksum backs. The judge
    decides for a generic rule. A provider rule's format says more than the judge (trained on
    free-form candidates) could: its match keeps its confidence in source files, and never
    blocks in a test, docs, example or vendored file (the fixture policy, see the README)."""
    if "generic" in rule.tags:
        from pat_scan.engine import features

        verdict = _verdict(features.candidate(rule.id, rule.tags, data, start, end, path))
        return verdict.confidence, verdict.suppressed, verdict.why_low
    from pat_scan.engine import scopes  # not the judge's features: a provider match needs none

    scope = scopes.path_scope(path)
    if scope == "source":
        return ("medium" if rule.validator is None else "high"), None, None
    return "low", None, scopes.SCOPE_WHY_LOW[scope]
