"""The two engines: identical findings on a large generated corpus; fallback and cache behaviour."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.corpus import generate_text
from pat_scan import cache, engine, rules
from pat_scan.engine.matcher import Match
from tests.helpers import token

RULES = rules.load()


def _signature(matches: list[Match]) -> list[tuple[str, int, int, str, str | None]]:
    return [(m.rule.id, m.start, m.end, m.confidence, m.suppressed) for m in matches]


def _documents(data: bytes, size: int = 64 * 1024) -> list[bytes]:
    """Split at line ends into file-sized documents, as a tree scan sees them."""
    documents, start = [], 0
    while start < len(data):
        end = data.find(b"\n", start + size)
        end = len(data) if end == -1 else end + 1
        documents.append(data[start:end])
        start = end
    return documents


@pytest.mark.slow
def test_both_engines_give_identical_findings_on_20_mb() -> None:
    corpus = generate_text(21, seed=7)
    assert len(corpus) >= 20_000_000
    hyper, python = engine.create(RULES, "hyperscan"), engine.create(RULES, "python")
    total = 0
    for document in _documents(corpus):
        expected = _signature(python.scan(document))
        assert _signature(hyper.scan(document)) == expected
        total += len(expected)
    assert total > 0  # the corpus plants credentials: an empty comparison proves nothing


def test_engines_agree_on_every_rule_example() -> None:
    from pat_scan.rules.templates import expanded

    text = "\n".join(e.text for r in RULES for group in expanded(r) for e in group).encode()
    hyper, python = engine.create(RULES, "hyperscan"), engine.create(RULES, "python")
    assert _signature(hyper.scan(text)) == _signature(python.scan(text))


def test_python_engine_is_used_when_hyperscan_cannot_be_imported(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"t = {token()}\n")
    program = (
        "import sys; sys.modules['hyperscan'] = None\n"  # makes `import hyperscan` fail
        "from pat_scan import engine, rules\n"
        "print(engine.default_kind())\n"
        "from pat_scan.cli import main; raise SystemExit(main(['scan', '--no-git', '.']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.stdout.startswith("python\n"), result.stderr
    assert result.returncode == 1
    assert "github-pat-classic" in result.stdout


def test_engine_choice_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAT_SCAN_ENGINE", "python")
    assert engine.default_kind() == "python"
    monkeypatch.setenv("PAT_SCAN_ENGINE", "fast")
    from pat_scan.errors import UsageError

    with pytest.raises(UsageError, match="PAT_SCAN_ENGINE"):
        engine.default_kind()


def test_corrupt_database_cache_is_rebuilt_not_trusted() -> None:
    engine.create(RULES, "hyperscan")
    entries = list(cache.directory().glob("hs-*.db"))
    assert entries
    for entry in entries:
        blob = bytearray(entry.read_bytes())
        blob[len(blob) // 2] ^= 0xFF
        entry.write_bytes(bytes(blob))
    matcher = engine.create(RULES, "hyperscan")
    secret = token()
    assert [m.secret for m in matcher.scan(f"x={secret}".encode())] == [secret]


def test_a_rule_hyperscan_rejects_falls_back_to_its_keywords(tmp_path: Path) -> None:
    pack = tmp_path / "odd.yaml"
    # A backreference: the `regex` module runs it, Hyperscan refuses it even as a prefilter.
    pack.write_text(
        "rules:\n  - id: doubled\n    name: Doubled\n    description: d\n    severity: low\n"
        "    keywords: [dbl]\n    regex: '(?P<secret>dbl(\\d)\\2[a-z]{8})'\n"
        "    remediation: r\n"
    )
    odd = rules.load([pack], builtin=False)
    for kind in engine.KINDS:
        found = engine.create(odd, kind).scan(b"x dbl77qwertyui y dbl78qwertyui")
        assert [m.secret for m in found] == ["dbl77qwertyui"], kind


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.text("abcdeg_1", min_size=1, max_size=6), min_size=8, max_size=20, unique=True),
    st.text("abcdeg_1", max_size=8),
)
def test_factored_alternations_match_the_same_words(words: list[str], probe: str) -> None:
    import regex

    from pat_scan.engine.matcher import factor_alternations

    original = "(?i)<(?:" + "|".join(words) + ")>"
    factored = factor_alternations(original)
    assert factored != original
    for text in (*words, probe, probe.upper(), words[0] + probe):
        subject = f"<{text}>"
        assert bool(regex.fullmatch(original, subject)) == bool(regex.fullmatch(factored, subject))


def test_the_generated_corpus_yields_exactly_its_planted_credentials() -> None:
    """Its trigger lines (`password_env = "DB_PASSWORD"`, `token_url = ...`) are not secrets: a
    rule change that reports them, or misses a planted token, fails here."""
    from benchmarks.corpus import generate
    from pat_scan.content import scan_bytes

    corpus = generate(8, seed=5)
    matcher = engine.create(rules.load(examples=False))
    found = {
        (f.path, f.line, f.rule.id)
        for path, data in corpus.documents
        for f in scan_bytes(matcher, data, path)
        if f.suppressed is None
    }
    assert found == {(p.path, p.line, p.rule_id) for p in corpus.planted}


def test_the_rejected_rule_is_found_behind_keyword_expressions(tmp_path: Path) -> None:
    """Hyperscan's error names a character of the expression it refuses, not which expression:
    the refused rule is found by trying each alone (taking the character's index for the
    rule's failed on the first rule, with an AssertionError), and keeps its keywords."""
    from pat_scan.engine.hyperscan_prefilter import HyperscanPrefilter

    def rule(rule_id: str, keywords: str, regex: str) -> str:
        return (
            f"  - id: {rule_id}\n    name: n\n    description: d\n    severity: low\n"
            f"    keywords: [{keywords}]\n    regex: '{regex}'\n    remediation: r\n"
        )

    pack = tmp_path / "mixed.yaml"
    pack.write_text(
        "rules:\n"
        + rule("wide", "wda, wdb, wdc", "(?P<secret>wd[abc][a-z]{1,3000})")  # keyword mode
        # An ASCII flag: the regex module allows it, Hyperscan refuses it.
        + rule("ascii", "asc", "(?a)asc(?P<secret>[0-9]{6})")
        # Two groups named `secret`: Hyperscan refuses the names, not the expression.
        + rule("doubled", "dbl", "dbl(?:a(?P<secret>[0-9]{6})|b(?P<secret>[a-z]{6}))")
        + rule("plain", "pln", "(?P<secret>pln[0-9]{6})")
    )
    loaded = rules.load([pack], builtin=False)
    prefilter = HyperscanPrefilter(loaded)
    assert {loaded[i].id for i in prefilter._by_keywords} == {"wide", "ascii"}
    assert [r.max_width for r in loaded] == [3003, 9, 10, 9]  # the doubled name measured too
    found = engine.create(loaded, "hyperscan").scan(b"wdaxyz asc123456 dblbabcdef pln123456")
    assert [(m.rule.id, m.secret) for m in found] == [
        ("wide", "wdaxyz"),
        ("ascii", "123456"),
        ("doubled", "abcdef"),
        ("plain", "pln123456"),
    ]


def test_a_long_word_list_is_split_across_expressions_with_the_same_matches() -> None:
    """Prefilter mode approximates a large alternation so loosely that it reports nearly
    everywhere; split, the rule's Hyperscan expressions together accept exactly its words."""
    import hyperscan

    from pat_scan.engine.hyperscan_prefilter import _expressions

    words = [f"vendor{n}x" for n in range(40)]
    regex = r"(?:" + "|".join(words) + r")_key=(?P<secret>[0-9a-f]{8})"
    expressions = _expressions(regex)
    assert len(expressions) == 3
    database = hyperscan.Database()
    database.compile(expressions=expressions, ids=[0, 1, 2], elements=3)
    hits: list[bytes] = []

    def record(pattern_id: int, start: int, end: int, flags: int, text: bytes) -> None:
        hits.append(text)

    for word in (*words, "vendor40x", "vendorx"):
        text = f"{word}_key=0123abcd".encode()
        database.scan(text, match_event_handler=record, context=text)
    assert hits == [f"{word}_key=0123abcd".encode() for word in words]


def test_rules_limited_to_some_files_are_looked_for_only_in_those_files() -> None:
    """They have a database of their own (they cost the most to run and apply to few files):
    scanned for a .env file, not for a Python file with the same text."""
    from pat_scan.engine.hyperscan_prefilter import HyperscanPrefilter

    prefilter = HyperscanPrefilter(RULES)
    limited = {i for i, rule in enumerate(RULES) if rule.paths}
    env_rule = next(i for i, rule in enumerate(RULES) if rule.id == "env-file-secret")
    text = b"DEBUG=false\nSTRIPE_WEBHOOK_KEY=q8Zr2LmX0vTn4KpW7sYb1cHd5fGj9aEu\n"
    assert env_rule in prefilter.regions(text, "deploy/.env")
    assert not limited & set(prefilter.regions(text, "deploy/settings.py"))
    assert not limited & set(prefilter.regions(text))  # no path: no file-limited rule


def test_a_pack_whose_file_limited_rules_give_hyperscan_nothing_still_scans(
    tmp_path: Path,
) -> None:
    """A rule with paths and no keywords is checked whole by the matcher: no database for it,
    and the other rules still run."""
    from pat_scan.engine.hyperscan_prefilter import HyperscanPrefilter

    pack = tmp_path / "pack.yaml"
    pack.write_text(
        "rules:\n"
        "  - id: whole-file\n    name: n\n    description: d\n    severity: low\n"
        "    keywords: []\n    paths: ['*.secret']\n"
        "    regex: '(?P<secret>[0-9]{8})'\n    remediation: r\n"
        "  - id: plain\n    name: n\n    description: d\n    severity: low\n"
        "    keywords: [pln]\n    regex: '(?P<secret>pln[0-9]{6})'\n    remediation: r\n"
    )
    loaded = rules.load([pack], builtin=False)
    for _ in range(2):  # built, then from the cache
        assert HyperscanPrefilter(loaded)._limited is None
        matcher = engine.create(loaded, "hyperscan")
        assert [m.rule.id for m in matcher.scan(b"12345678 pln123456", "a.secret")] == [
            "whole-file",
            "plain",
        ]
        assert [m.rule.id for m in matcher.scan(b"12345678 pln123456", "a.txt")] == ["plain"]


def test_a_rule_that_stops_being_limited_to_some_files_is_not_lost_from_the_cache(
    tmp_path: Path,
) -> None:
    """Whether a rule has `paths` decides which database holds it: a cached pair built before
    the edit must not be reused after it (the rule would be in neither)."""
    pack = tmp_path / "pack.yaml"
    rule = (
        "  - id: {id}\n    name: n\n    description: d\n    severity: low\n"
        "    keywords: [{id}]\n    regex: '(?P<secret>{id}[0-9]{{6}})'\n    remediation: r\n"
    )
    limited = rule.format(id="bbb") + "    paths: ['*.env']\n"
    for second in (limited, rule.format(id="bbb")):
        pack.write_text("rules:\n" + rule.format(id="aaa") + second)
        loaded = rules.load([pack], builtin=False)
        found = engine.create(loaded, "hyperscan").scan(b"aaa123456 bbb123456", "a.txt")
        expected = ["aaa"] if second == limited else ["aaa", "bbb"]
        assert [m.rule.id for m in found] == expected


def test_overlap_resolution_by_runs_keeps_what_comparing_every_pair_keeps() -> None:
    """Rivals are looked for only within runs of overlapping matches: the same matches are kept
    as when every pair is compared."""
    import random

    from pat_scan.engine.matcher import _beats, _without_generic_overlaps

    generic = [r for r in RULES if "generic" in r.tags]
    pool = [*generic[:3], *[r for r in generic if r.paths][:1], *RULES[:3]]
    rng = random.Random(11)
    for _ in range(300):
        matches = []
        for _ in range(rng.randrange(1, 12)):
            start = rng.randrange(60)
            suppressed = rng.choice([None, None, "placeholder"])
            rule = rng.choice(pool)
            matches.append(
                Match(rule, start, start + rng.randrange(1, 15), "s", "medium", suppressed)
            )
        matches.sort(key=lambda m: (m.start, m.end, m.rule.id))
        every_pair = [
            m
            for m in matches
            if "generic" not in m.rule.tags
            or all(
                _beats(m, o)
                for o in matches
                if o is not m and o.suppressed is None and o.start < m.end and m.start < o.end
            )
        ]
        assert _without_generic_overlaps(matches) == every_pair


def test_a_rules_reports_for_one_candidate_make_one_region_and_the_same_windows() -> None:
    """A prefilter expression reports at each end it can (ten in a row for one candidate): the
    overlapping regions are one, apart ones stay apart, and every rule's line windows are those
    of a region per report."""
    pytest.importorskip("hyperscan")
    from pat_scan.engine.hyperscan_prefilter import HyperscanPrefilter
    from pat_scan.engine.matcher import _line_windows

    prefilter = HyperscanPrefilter(RULES)
    text = (
        b'SECRET_KEY = "q8Zr2Lm4Xv7Tn1Wp"\npassword: hunter2hunter2\n'
        + b"\n" * 5000
        + b'secret = "Zq8vL2mP9xR4kT7w"\ntoken = "ghp_notatoken"\n'
    )
    reports: list[tuple[int, int]] = []
    prefilter._general.scan(text, match_event_handler=lambda i, s, e, f, c: reports.append((i, e)))
    found = prefilter.regions(text, "app.py")
    generic = next(i for i, rule in enumerate(RULES) if rule.id == "generic-secret")
    assert len(found[generic]) == 2 < sum(1 for i, _ in reports if i == generic)
    for index, regions in found.items():
        width = RULES[index].max_width  # a report's own region, as the module documents it
        after = width if index in prefilter._by_keywords else 0
        each = [(max(0, end - width - 1), end + after) for i, end in reports if i == index]
        assert _line_windows(text, regions) == _line_windows(text, each), RULES[index].id
