"""Whether a file's bytes are text to scan."""

from __future__ import annotations

from pat_scan.content.text import BINARY_PROBE, classify


def test_text_in_ascii_and_utf8() -> None:
    assert classify(b"") is None
    assert classify(b"key = 'value'\n") is None
    assert classify("café = 'naïve'\n".encode()) is None


def test_a_nul_in_the_probe_is_binary_and_beyond_it_is_not_looked_for() -> None:
    assert classify(b"\x89PNG\r\n\x1a\n\0\0\0") == "binary"
    assert classify(b"a" * BINARY_PROBE + b"\0") is None


def test_bytes_that_are_not_utf8() -> None:
    assert classify("café".encode("latin-1")) == "not UTF-8"
