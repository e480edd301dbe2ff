"""Confirm prefilter proposals with each rule's regex, then gate the secret.

Proposed regions are widened to whole lines and merged before the regex runs. A match therefore
never depends on where a prefilter happened to hit: both engines give the same findings as long as
each proposes every line a match touches.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from pat_scan import placeholders
from pat_scan.engine.prefilter import Prefilter
from pat_scan.entropy import shannon
from pat_scan.rules import Rule


class Match(NamedTuple):
    rule: Rule
    start: int  # byte offsets of the secret in the scanned data
    end: int
    secret: str
    confidence: str  # high | medium | low
    suppressed: str | None = None  # why the engine dropped it ('placeholder', ...), or None

    def __repr__(self) -> str:  # never the secret, not even in a traceback
        return f"Match({self.rule.id!r}, {self.start}, {self.end}, {self.confidence!r})"


class Matcher:
    def __init__(self, rules: Sequence[Rule], prefilter: Prefilter, kind: str) -> None:
        self.rules = rules
        self.kind = kind
        self._prefilter = prefilter
        self._compiled: dict[int, Any] = {}
        self._whole_file_rules = [i for i, rule in enumerate(rules) if not rule.keywords]
        self.judging = True  # off only to collect the judge's training candidates

    def scan(self, data: bytes, path: str = "", *, every: bool = False) -> list[Match]:
        """Matches in `data`, scanned as the file `path` (rules with `paths` need a match).

        Overlapping generic matches are resolved to one per secret, unless `every` (checking a
        rule's own examples asks whether it matches, not whether it wins)."""
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
            pattern = self._pattern(index)
            for start, end in _line_windows(data, regions):
                for found in pattern.finditer(data, start, end):
                    match = _gate(rule, found, data, illustrative, path if self.judging else None)
                    if match is not None:
                        matches.append(match)
        matches.sort(key=lambda m: (m.start, m.end, m.rule.id))
        return matches if every else _without_generic_overlaps(matches)

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


def _line_windows(data: bytes, regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Regions widened to line boundaries, sorted and merged."""
    windows: list[tuple[int, int]] = []
    for start, end in sorted(regions):
        line_start = data.rfind(b"\n", 0, start) + 1
        line_end = data.find(b"\n", min(end, len(data)))
        line_end = len(data) if line_end == -1 else line_end + 1
        if windows and line_start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], line_end))
        else:
            windows.append((line_start, line_end))
    return windows


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
            confidence = "low"
    reason = placeholders.reason(secret, validated=checksummed, password="password" in rule.tags)
    if reason is None and rule.allow:
        import regex

        if any(regex.search(p, secret) for p in rule.allow):
            reason = "rule allow"
    if reason is None and judged is not None and not checksummed and confidence != "low":
        confidence, reason = _judged(rule, data, start, end, judged)
    if illustrative and not checksummed:
        confidence = "low"
    return Match(rule, start, end, secret, confidence, reason)


def _judged(rule: Rule, data: bytes, start: int, end: int, path: str) -> tuple[str, str | None]:
    """(confidence, suppressed reason) of a match no checksum backs. The judge decides for a
    generic rule. A provider rule's format says more than the judge (trained on free-form
    candidates) could: its match keeps its confidence in source files, and never blocks in a
    test, docs, example or vendored file (the fixture policy, see the README)."""
    from pat_scan.engine import features

    if "generic" in rule.tags:
        from pat_scan.engine import judge

        verdict = judge.judge(features.candidate(rule.id, rule.tags, data, start, end, path))
        return verdict.confidence, verdict.suppressed
    if features.path_scope(path) == "source":
        return "medium" if rule.validator is None else "high", None
    return "low", None
