"""Rule pack loading: every malformed pack is one clear line naming file, rule and key (exit 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pat_scan import cache, rules
from pat_scan.errors import RuleError, UsageError

GOOD_RULE = """\
  - id: demo-token
    name: Demo token
    description: A token for tests.
    severity: high
    keywords: [demo_]
    regex: '(?P<secret>demo_[0-9a-f]{32})'
    remediation: Revoke it.
    examples: ['x = demo_{{rand:hex:32}}', 'demo_{{rand:hex:32}}']
    negative_examples: ['demo_short']
"""


def write_pack(folder: Path, body: str, name: str = "demo.yaml") -> Path:
    path = folder / name
    path.write_text("rules:\n" + body)
    return path


def test_builtin_packs_load_with_unique_ids() -> None:
    loaded = rules.load()
    assert len(loaded) >= 40
    assert len({r.id for r in loaded}) == len(loaded)
    assert all(r.examples and r.negative_examples and r.remediation for r in loaded)


def test_every_github_token_type_is_covered() -> None:
    prefixes = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")
    keywords = {k for r in rules.load() for k in r.keywords}
    assert all(p in keywords for p in prefixes)


def test_extra_pack_from_directory(tmp_path: Path) -> None:
    write_pack(tmp_path, GOOD_RULE)
    loaded = rules.load([tmp_path], builtin=False)
    assert [r.id for r in loaded] == ["demo-token"]
    assert loaded[0].pack == "demo"
    assert loaded[0].max_width == 37


@pytest.mark.parametrize(
    ("edit", "key", "problem"),
    [
        (("severity: high", "severity: urgent"), "severity", "must be one of"),
        (("    remediation: Revoke it.\n", ""), "remediation", "required key is missing"),
        (("keywords: [demo_]", "keywords: [demo_]\n    colour: red"), "colour", "unknown key"),
        (("(?P<secret>demo_[0-9a-f]{32})", "(?P<secret>demo_[0-9a-f]{32}"), "regex", "bad regex"),
        (("(?P<secret>demo_[0-9a-f]{32})", "demo_[0-9a-f]{32}"), "regex", "(?P<secret>"),
        (("keywords: [demo_]", "keywords: [demo_]\n    validator: nope"), "validator", "unknown"),
        (("keywords: [demo_]", "keywords: []"), "keywords", "at least one"),
        (("keywords: [demo_]", "keywords: [de]"), "keywords", "shorter than 3"),
        (("keywords: [demo_]", "keywords: [demo_]\n    entropy: 12"), "entropy", "between 0"),
        (("keywords: [demo_]", "keywords: [demo_]\n    allow: ['(']"), "allow", "bad regex"),
        # Before: accepted, and (\w|\w\w)+$ took 36.5 s on 46 bytes.
        (("[0-9a-f]{32})'", "(\\w|\\w\\w)+$)'"), "regex", "without an upper bound"),
        (("[0-9a-f]{32})'", "(\\w|\\w\\w){1,40}$)'"), "regex", "exponentially many ways"),
        (("[0-9a-f]{32})'", "[0-9a-f]*)'"), "regex", "{0,N}"),
    ],
)
def test_malformed_rule_names_file_rule_and_key(
    tmp_path: Path, cli: Any, edit: tuple[str, str], key: str, problem: str
) -> None:
    path = write_pack(tmp_path, GOOD_RULE.replace(*edit))
    result = cli("rules", "list", "--rules", str(path))
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert str(path) in lines[0]
    assert "'demo-token'" in lines[0]
    assert f"key {key!r}" in lines[0]
    assert problem in lines[0]
    assert "Traceback" not in result.err


def test_duplicate_ids_across_packs(tmp_path: Path) -> None:
    write_pack(tmp_path, GOOD_RULE, "a.yaml")
    write_pack(tmp_path, GOOD_RULE, "b.yaml")
    with pytest.raises(RuleError, match=r"b\.yaml: rule 'demo-token': key 'id': duplicate id"):
        rules.load([tmp_path], builtin=False)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("rules: [\n", "not valid YAML"),
        ("- just a list\n", "one key, 'rules'"),
        ("rules: {}\n", "must be a list"),
        ("rules:\n  - name: no id\n", "key 'id'"),
    ],
)
def test_malformed_pack_structure(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(RuleError, match=problem):
        rules.load([path], builtin=False)


def test_missing_pack_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such rule pack"):
        rules.load([tmp_path / "absent.yaml"], builtin=False)


def test_selection_only_and_disable() -> None:
    loaded = rules.load()
    first, second = loaded[0].id, loaded[1].id
    assert [r.id for r in rules.select(loaded, [first], [])] == [first]
    assert second not in {r.id for r in rules.select(loaded, [], [second])}
    with pytest.raises(UsageError, match="unknown rule id"):
        rules.select(loaded, ["no-such-rule"], [])


def test_corrupt_rules_cache_is_rebuilt(tmp_path: Path) -> None:
    pack = write_pack(tmp_path, GOOD_RULE)
    first = rules.load([pack], builtin=False)
    for entry in cache.directory().glob("rules-*.json"):
        entry.write_bytes(b"\0" * 40 + b"garbage")
    assert rules.load([pack], builtin=False) == first


def test_edited_pack_is_not_served_from_cache(tmp_path: Path) -> None:
    pack = write_pack(tmp_path, GOOD_RULE)
    assert rules.load([pack], builtin=False)[0].severity == "high"
    write_pack(tmp_path, GOOD_RULE.replace("severity: high", "severity: low"))
    assert rules.load([pack], builtin=False)[0].severity == "low"


def test_only_rules_limited_to_file_names_may_have_no_keywords(tmp_path: Path) -> None:
    no_keywords = GOOD_RULE.replace("keywords: [demo_]", "keywords: []")
    with pytest.raises(RuleError, match="only a rule limited"):
        rules.load([write_pack(tmp_path, no_keywords)], builtin=False)
    limited = no_keywords.replace("    keywords: []", "    keywords: []\n    paths: [token.txt]")
    (rule,) = rules.load([write_pack(tmp_path, limited)], builtin=False)
    assert rule.keywords == () and rule.paths == ("token.txt",)


def _reference_match(globs: tuple[str, ...], path: str) -> bool:
    import re
    from fnmatch import translate

    pattern = re.compile("|".join(translate(glob) for glob in globs))
    return bool(pattern.match(path) or pattern.match(path.rsplit("/", 1)[-1]))


_GLOB_PARTS = st.sampled_from(["*", "?", "[ab]", "a", "b", ".", "/", "x.y", "-", "é"])
_PATH_PARTS = st.sampled_from(["a", "b", ".", "/", "x.y", "-", "é", "ab", "\n"])


@given(
    globs=st.lists(
        st.lists(_GLOB_PARTS, min_size=1, max_size=5).map("".join), min_size=1, max_size=6
    ).map(tuple),
    path=st.lists(_PATH_PARTS, max_size=8).map("".join),
)
def test_path_globs_answer_as_one_regex_of_them_would(globs: tuple[str, ...], path: str) -> None:
    assert rules.path_matches(globs, path) == _reference_match(globs, path)


def test_built_in_path_globs_answer_as_one_regex_of_them_would() -> None:
    globs = tuple(glob for rule in rules.load() for glob in rule.paths)
    paths = [p for g in globs for p in (g.replace("*", "x"), "d/" + g.replace("*", ""), g + "~")]
    paths += ["a/b/.netrc", "settings.xml", "x/.env.local", "credentials/k.key", "README.md"]
    assert any(rules.path_matches(globs, p) for p in paths)
    for path in paths:
        assert rules.path_matches(globs, path) == _reference_match(globs, path), path
