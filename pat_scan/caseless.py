"""Case-insensitive tests of ASCII words as substring tests on lowered text, which run in C:
an alternation regex with IGNORECASE tries each word at each character."""

from __future__ import annotations

# The non-ASCII letters a case-insensitive regex matches to ASCII ones (Python's re: dotted
# capital I, dotless i, long s, Kelvin sign); the first also lowers to two characters.
_FOLDED_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")


def lowered(text: str) -> str | None:
    """`text` lowered, when an ASCII word occurs in it case-insensitively exactly if it occurs
    in the lowered text (and a lower-case regex matches it there as IGNORECASE would here);
    None for text holding a letter that case-folds to ASCII, where only the regex is exact."""
    if text.isascii() or not any(map(text.__contains__, _FOLDED_TO_ASCII)):
        return text.lower()
    return None
