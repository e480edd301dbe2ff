"""Lowered text answers case-insensitive word tests exactly as IGNORECASE regexes do."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pat_scan import caseless

_WORDS = ("key", "si", "is", "ki")
_TEXT = st.text(st.characters(max_codepoint=0x2200), max_size=12) | st.text(
    st.sampled_from("kKsSiI\u0130\u0131\u017f\u212a\u00df\u00e9 "), max_size=12
)


@settings(max_examples=1000, deadline=None)
@given(_TEXT)
def test_lowered_text_holds_a_word_exactly_when_the_regex_finds_it(text: str) -> None:
    lower = caseless.lowered(text)
    if lower is None:
        return
    for word in _WORDS:
        assert (word in lower) == bool(re.search(word, text, re.I)), word
        pattern = word + r"(?![a-z])"
        assert bool(re.search(pattern, lower)) == bool(re.search(pattern, text, re.I))
