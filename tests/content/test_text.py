"""Text in any common encoding is scanned; binaries are not."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pat_scan.content.text import BINARY_PROBE, as_utf8, encoding, scannable, utf8_pieces

LINE = "café = 'naïve'\nkey = 'ghp_and more'\n"


def test_utf8_and_ascii_are_scanned_as_they_are() -> None:
    assert encoding(b"") is None and scannable(b"") == b""
    assert encoding(b"key = 'value'\n") is None
    assert scannable(LINE.encode()) == LINE.encode()


@pytest.mark.parametrize("name", ["cp1252", "latin-1"])
def test_a_single_byte_file_that_is_not_utf8_is_still_text(name: str) -> None:
    data = LINE.encode(name)
    assert encoding(data) in ("cp1252", "latin-1")
    assert scannable(data) == LINE.encode()


@pytest.mark.parametrize("name", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("bom", [True, False])
def test_utf16_and_utf32_with_or_without_a_byte_order_mark(name: str, bom: bool) -> None:
    mark = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(name)
    mark = mark or {"utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}[name]
    data = (mark if bom else b"") + LINE.encode(name)
    assert encoding(data) == name
    assert scannable(data) == LINE.encode()  # the mark is not part of the text


@pytest.mark.parametrize(
    "data",
    [
        b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0" + bytes(range(256)) * 8,
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0" + bytes(range(256)) * 4,
        b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0" + bytes(range(256)) * 4,
    ],
    ids=["elf", "png", "pe"],
)
def test_compiled_binaries_stay_binary(data: bytes) -> None:
    assert encoding(data) == "binary" and scannable(data) is None


def test_only_the_probe_decides_binary() -> None:
    assert encoding(b"a" * BINARY_PROBE + b"\0") is None


@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_pieces_decode_as_the_whole(text: str) -> None:
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    whole = as_utf8(data, "utf-16-le")
    for size in (1, 3, 7):
        pieces = [data[i : i + size] for i in range(0, len(data), size)]
        assert b"".join(utf8_pieces(pieces, "utf-16-le")) == whole
