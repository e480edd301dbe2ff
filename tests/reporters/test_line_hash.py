"""primaryLocationLineHash as github/codeql-action's upload step computes it: its own test
vectors, and UTF-16 code units counted as JavaScript counts them."""

from __future__ import annotations

import pytest

from pat_scan.reporters import line_hash

CODEQL_ACTION_VECTORS = [
    ("", ["c129715d7a2bc9a3:1"]),
    (
        " a\nb\n  \t\tc\n d",
        ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"],
    ),
    (
        " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
        [
            "8b7cf3e952e7aeb2:1",
            "b1ae1287ec4718d9:1",
            "bff680108adb0fcc:1",
            "c6805c5e1288b612:1",
            "b86d3392aea1be30:1",
            "e6ceba753e1a442:1",
        ],
    ),
    *(
        (
            text,
            [
                "e9496ae3ebfced30:1",
                "fb7c023a8b9ccb3f:1",
                "ce8ba1a563dcdaca:1",
                "e20e36e16fcb0cc8:1",
                "b3edc88f2938467e:1",
                "c8e28b0b4002a3a0:1",
                "c129715d7a2bc9a3:1",
            ],
        )
        for text in (
            " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
            " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
            " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
            " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
        )
    ),
    (
        "Lorem ipsum dolor sit amet.\n" * 10,
        [
            *(f"a7f2ff13bc495cf2:{n}" for n in range(1, 7)),
            "a7f2ff1481e87703:1",
            "a9cf91f7bbf1862b:1",
            "55ec222b86bcae53:1",
            "cc97dc7b1d7d8f7b:1",
            "c129715d7a2bc9a3:1",
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CODEQL_ACTION_VECTORS)
def test_line_hash_matches_the_upload_action(text: str, expected: list[str]) -> None:
    every = line_hash.line_hashes(text, set(range(1, len(expected) + 1)))
    assert [every[n] for n in range(1, len(expected) + 1)] == expected


def test_line_hash_counts_utf16_code_units() -> None:
    # JavaScript sees an astral character as two code units: a different hash from one unit.
    astral = line_hash.line_hashes("\U0001f600\n", {1})
    bmp = line_hash.line_hashes("\u00e9\n", {1})
    assert astral != bmp
    assert astral[1].endswith(":1")
    # Worked by hand over the units D83D DE00 000A FFFF (then 96 zeros), weights 37^(99-i) mod
    # 2^64: counting code points instead gives e97193729a4f6fd5.
    assert astral == {1: "49e42825ed591e1a:1"}
