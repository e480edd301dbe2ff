"""The judge's features are cheap shortcuts of their definitions: each gives what the plain
regex gives, on any text, and none costs more than linear time in the line."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pat_scan.engine import features

_HEAD_PIECES = st.sampled_from(
    [" ", "   ", "\t", "\u00a0", "\u2003", "=", "==", "=>", ":", ":=", "(", ",", '"', "'", "`",
     "[", "]", "$", "@", "-", ".", "_", "db", "password", "API_KEY", "x" * 30, "\u0130",
     "\u017f", "\u212a"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_HEAD_PIECES, max_size=40))
def test_the_key_is_the_one_the_whole_head_gives(pieces: list[str]) -> None:
    head = "".join(pieces)
    whole = features._KEY_BEFORE.search(head)
    expected = whole.group(1).strip("\"'[]$@") if whole else head[-40:]
    assert features._key_of(head) == expected


def test_a_head_of_long_whitespace_runs_is_read_once() -> None:
    """Before: the key's regex split each whitespace run every way it could, a second for 300
    spaces (and a judged rule has up to 500 candidates a file). Now the regex sees runs of one
    space and at most _KEY_REACH characters."""
    seen: list[str] = []
    original = features._KEY_BEFORE

    class Recording:
        def search(self, text: str) -> re.Match[str] | None:
            seen.append(text)
            return original.search(text)

    head = "config" + " " * 3000 + "db_password" + " " * 3000 + "=" + " " * 3000 + "'"
    try:
        features._KEY_BEFORE = Recording()  # type: ignore[assignment]
        assert features._key_of(head) == "db_password"
    finally:
        features._KEY_BEFORE = original
    assert seen == ["config db_password = '"]


_TEXT = st.text(st.sampled_from("aeiostxyzASTKE .-_/\u212a\u017f\u0130\u00df"), max_size=30)


@settings(max_examples=500, deadline=None)
@given(_TEXT)
def test_word_tests_match_their_regex(text: str) -> None:
    """Substring tests on lowered ASCII, the regex elsewhere: the same answer as the regex,
    including the characters that case-fold to ASCII (the Kelvin sign, the long s)."""
    words = ("test", "spec", "ask", "e.g.", "kit")
    pattern = re.compile("|".join(map(re.escape, words)), re.I)
    assert features._Words(*words).search(text) == bool(pattern.search(text))


_VALUE = st.text(
    st.sampled_from("aAbB zZ\n\n11xX\u00e9\u00c9\u212a\u0130\u03c3\u03a3_"), max_size=30
)


@settings(max_examples=500, deadline=None)
@given(_VALUE)
def test_case_changes_and_repeats_are_their_definitions(value: str) -> None:
    """The regex shortcuts (ASCII; a value with no doubled character) give the pair by pair and
    run by run counts, for any value, line breaks and non-ASCII letters included."""
    pairs = [(value[i], value[i + 1]) for i in range(len(value) - 1)]
    changes = sum(a.isalpha() and b.isalpha() and a.islower() != b.islower() for a, b in pairs)
    assert features._case_changes(value) == changes
    runs = [len(m.group(0)) for m in re.finditer(r"(.)\1*", value)]
    assert features._longest_repeat(value) == max(runs, default=0)


def test_every_one_hot_feature_is_present_and_only_the_candidates_are_set() -> None:
    found = features.features(
        features.candidate(
            "generic-password", ("generic",), b'db_password = "x1y2z3w4"', 15, 23, "tests/a.py"
        ),
        frozenset(),
    )
    hot = {name for name, value in found.items() if value == 1.0}
    one_hot = [n for n in found if n.startswith(("keyword_", "scope_", "ext_is_"))]
    assert len(one_hot) == len(features.KEY_WORDS) + len(features.SCOPES) + len(features.EXTENSIONS)
    assert {n for n in one_hot if n in hot} == {
        "keyword_db",
        "keyword_password",
        "scope_test",
        "ext_is_py",
    }
