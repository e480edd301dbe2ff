"""The matcher stays linear in its input whatever the input is: line windows found with one pass
of searching, long windows confirmed around keywords, and a file packed with keywords checked
up to a limit with the rest counted, never dropped in silence. Work is counted, not timed."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from pat_scan import engine, rules
from pat_scan.engine import matcher as matcher_module
from pat_scan.engine.matcher import _line_windows

RULES = rules.load(examples=False)
KINDS = engine.available_kinds()


class Counted(bytes):
    """Bytes that count how many bytes their searches look at."""

    looked = 0

    def find(self, sub, start=0, end=None):  # type: ignore[no-untyped-def,override]
        found = super().find(sub, start, end)
        stop = len(self) if end is None else min(end, len(self))
        Counted.looked += (found if found != -1 else stop) - start
        return found

    def rfind(self, sub, start=0, end=None):  # type: ignore[no-untyped-def,override]
        found = super().rfind(sub, start, end)
        stop = len(self) if end is None else min(end, len(self))
        Counted.looked += stop - (found if found != -1 else start)
        return found


def windows_as_before(data: bytes, regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The windows the matcher used to compute, each region's line searched from the top."""
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


def test_windows_are_the_same_as_before() -> None:
    rng = random.Random(1)
    for _ in range(5000):
        data = bytes(rng.choice(b"ab\n") for _ in range(rng.randint(0, 60)))
        regions = []
        for _ in range(rng.randint(0, 6)):
            start = rng.randint(0, len(data))
            regions.append((start, rng.randint(start, len(data) + 5)))
        assert _line_windows(data, regions) == windows_as_before(data, regions)


@pytest.mark.parametrize("hits", [1_000, 10_000, 100_000])
def test_finding_windows_looks_at_each_byte_a_bounded_number_of_times(hits: int) -> None:
    """Before: each region searched back to its line's start, so one long line of hits cost
    hits x line length (1 MB of `password=` took 12.9 s)."""
    data = Counted(b"password=" * hits)
    regions = [(i * 9, i * 9 + 40) for i in range(hits)]
    Counted.looked = 0
    assert _line_windows(data, regions) == [(0, len(data))]
    assert Counted.looked <= 2 * len(data)


@pytest.mark.parametrize("kind", KINDS)
def test_a_file_made_of_keywords_is_checked_up_to_a_limit_and_the_rest_counted(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: every one of a million keyword places cost a regex attempt (and the prefilter a
    Python call each): minutes for a 10 MB file, with nothing said if it gave up."""
    monkeypatch.setattr(matcher_module, "MAX_FAILED", 500)
    matcher = engine.create(RULES, kind)
    unchecked: Counter[str] = Counter()
    matcher.scan(b"password=" * 200_000, "dense.txt", unchecked=unchecked)
    tried = 200_000 - unchecked["generic-password"]  # the places it tried: a piece past 500
    assert 500 < tried <= 500 + matcher_module.PIECE // len("password=") + 1
    short: Counter[str] = Counter()
    matcher.scan(b"password=" * 100 + b"\n", "short.txt", unchecked=short)
    assert not short  # a short window is confirmed whole, with no limit to reach


@pytest.mark.parametrize("kind", KINDS)
def test_a_file_of_more_matches_than_a_report_can_hold_is_reported_in_part_and_counted(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: every one of 244,000 valid tokens in a 10 MB file was confirmed, fingerprinted
    and reported (55 s, 500 MB); past MAX_FOUND the rest now count as unchecked (fail closed)."""
    from tests.helpers import token

    monkeypatch.setattr(matcher_module, "MAX_FOUND", 50)
    matcher = engine.create(RULES, kind)
    data = "".join(f"T{n} = '{token(seed=n)}'\n" for n in range(80)).encode()
    unchecked: Counter[str] = Counter()
    found = matcher.scan(data, "tokens.py", unchecked=unchecked)
    github = [m for m in found if m.rule.id == "github-pat-classic"]
    assert [m.secret for m in github] == [token(seed=n) for n in range(50)]
    assert unchecked["github-pat-classic"] == 30
    exact: Counter[str] = Counter()
    matcher.scan(data[: data.index(b"T50 =")], "tokens.py", unchecked=exact)
    assert not exact  # exactly MAX_FOUND matches: nothing left over


@pytest.mark.parametrize("kind", KINDS)
def test_a_judged_rule_is_judged_up_to_a_limit_and_the_rest_counted(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: every one of 200,000 `password = '...'` lines went to the judge (30 s for
    10 MB); past MAX_JUDGED candidates of one judged rule the rest count as unchecked."""
    monkeypatch.setattr(matcher_module, "MAX_JUDGED", 40)
    matcher = engine.create(RULES, kind)
    data = "".join(f"password = 'x{n:03}y'\n" for n in range(100)).encode()
    unchecked: Counter[str] = Counter()
    matcher.scan(data, "settings.py", unchecked=unchecked)
    assert unchecked["generic-password"] == 60
    whole: Counter[str] = Counter()
    matcher.scan(data[: data.index(b"password = 'x040y'")], "settings.py", unchecked=whole)
    assert not whole["generic-password"]


@pytest.mark.parametrize("kind", KINDS)
def test_long_lines_are_confirmed_around_keywords_with_the_same_findings(kind: str) -> None:
    from tests.helpers import token

    secret = token()
    line = b"x" * 100_000 + f" token = '{secret}' ".encode() + b"y" * 100_000
    matcher = engine.create(RULES, kind)
    [found] = [m for m in matcher.scan(line, "min.js") if m.secret == secret]
    assert found.start == 100_000 + len(" token = '")


@pytest.mark.parametrize("kind", KINDS)
def test_a_scan_within_added_lines_keeps_what_a_whole_scan_keeps_there(
    kind: str, tmp_path: Path
) -> None:
    """A generic match that runs from an old line onto an added one loses to a provider match
    on the old line in a whole scan; skipping the old line's match would report it instead,
    so such a file is scanned whole."""
    pack = tmp_path / "spans.yaml"
    rule = "  - id: {id}\n    name: n\n    description: d\n    severity: low\n    remediation: r\n"
    pack.write_text(
        "rules:\n"
        + rule.format(id="provider-zz")
        + "    keywords: [zzkey]\n    regex: '(?P<secret>zzkey[0-9]{6})'\n"
        + rule.format(id="generic-block")
        + "    tags: [generic]\n    keywords: [block]\n"
        + '    regex: \'block = "(?P<secret>[^"]{4,80})"\'\n'
    )
    matcher = engine.create(rules.load([pack], builtin=False), kind)
    data = b'x = 1\nblock = "zzkey739264\nrest of it"\ny = 2\n'
    second_line = data.index(b"block")
    added = matcher_module.Within([(data.index(b"rest"), data.index(b"y = 2"))], b"\n")
    whole = matcher.scan(data, "app.py")
    assert [m.rule.id for m in whole] == ["provider-zz"]
    assert matcher.scan(data, "app.py", within=added) == whole
    old_lines_only = matcher_module.Within([(second_line, data.index(b"rest"))], b"\n")
    assert [m.rule.id for m in matcher.scan(data, "app.py", within=old_lines_only)] == [
        "provider-zz"
    ]


@pytest.mark.skipif("hyperscan" not in KINDS, reason="hyperscan is not installed")
def test_a_keyword_on_the_line_before_an_added_one_is_not_confirmed() -> None:
    """Hyperscan's regions end where the rule's match could: its window of lines ends where the
    added line starts, nothing of the commit is in it, so its rule's regex is not even compiled
    (a hook commit that appended to files after a `SECRET_KEY = ...` line paid for the regex
    engine and the rule). The keyword prefilter's regions reach further, onto the next line."""
    data = b'SECRET_KEY = "q8Zr2Lm4Xv7Tn1Wp"\n\nadded = 1\n'
    added = matcher_module.Within([(data.index(b"\n\n") + 1, len(data))], b"\n")
    matcher = engine.create(RULES, "hyperscan")
    assert matcher.scan(data, "settings.py", within=added) == []
    assert not matcher._compiled
    assert [m.rule.id for m in matcher.scan(data, "settings.py")] == ["generic-key"]


def test_the_same_candidate_is_judged_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A history holds one candidate in many versions of a file: the verdict is kept."""
    from pat_scan.engine import judge

    judged: list[str] = []
    real = judge.judge
    monkeypatch.setattr(judge, "judge", lambda c: judged.append(c.secret) or real(c))
    matcher_module._verdict.cache_clear()
    matcher = engine.create(RULES, "python")
    version = b'db_password = "Zr8kq2LmWv4Tn7Qx"\n'
    first = matcher.scan(version, "app/settings.py")
    again = matcher.scan(b"import os\n" + version, "app/settings.py")  # its context changed
    assert matcher.scan(version, "app/settings.py") == first and len(first) == 1
    assert [m.confidence for m in again] == [first[0].confidence]
    assert judged == ["Zr8kq2LmWv4Tn7Qx"] * 2
