"""Encoded text inside a file: base64 runs and percent-encoded lines, decoded one level.

A credential stored base64-encoded (a Kubernetes Secret's `data`, a docker `auths` entry, a
config value) or percent-encoded (a password in a URL) does not match any rule as it is. Each
candidate is decoded once, kept only if the result is text, and scanned by the same rules; a
finding is placed on the encoded text. Nothing is capped: each base64 run and each line is
decoded at most once, so the decoded text is never more than the file (a percent-encoded line
that holds base64 runs counts twice).
"""

from __future__ import annotations

import binascii
import re
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence

# 40 characters decode to 30 bytes: a provider token, or a short one with its name. Shorter
# runs in code are mostly identifiers; counting them doubles the work for nothing.
MIN_BASE64 = 40
_BASE64_CLASS = rb"A-Za-z0-9+/_=\-"
_BASE64_CHARS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_="
_DIGITS = b"0123456789"
_PERCENT = re.compile(rb"%[0-9A-Fa-f]{2}")
_TEXT = bytes(range(0x20, 0x7F)) + b"\t\n\r"
_PROBE = 44  # decode this much of a run first: hashes and binary fail here, cheaply


# Between decoded parts joined: a line break, which ends a match as the end of a part would (a
# match that runs on into the next part is one of neither, and is dropped).
_SEPARATOR = b"\n"


class Parts:
    """A file's decoded parts joined into one text (`text`), scanned once however many there
    are. Offsets are kept in arrays, not objects: a file of a hundred thousand encoded lines
    must not cost a hundred thousand tuples."""

    __slots__ = ("_offsets", "_percent_from", "_spans", "text")

    def __init__(
        self, decoded: bytearray, offsets: array[int], spans: array[int], percent_from: int
    ) -> None:
        self.text = bytes(decoded)
        self._offsets = offsets  # where each part starts in `text`
        self._spans = spans  # where each part's encoded text starts and ends in the file, in pairs
        self._percent_from = percent_from  # parts from this index on are percent-encoded

    def __len__(self) -> int:
        return len(self._offsets)

    def holding(self, start: int, end: int) -> int | None:
        """The index of the part that holds text[start:end], or None when it runs past one."""
        index = bisect_right(self._offsets, start) - 1
        return index if end <= self._end(index) else None

    def span(self, index: int) -> tuple[int, int]:
        return self._spans[2 * index], self._spans[2 * index + 1]

    def encoding(self, index: int) -> str:
        return "base64" if index < self._percent_from else "percent-encoded"

    def decoded(self, index: int) -> bytes:
        return self.text[self._offsets[index] : self._end(index)]

    def _end(self, index: int) -> int:
        after = index + 1
        return (
            len(self.text)
            if after == len(self._offsets)
            else self._offsets[after] - len(_SEPARATOR)
        )


def parts(data: bytes, spans: Sequence[tuple[int, int]] | None = None) -> Parts:
    """The base64 runs of `data` that decode to text, then its lines with two or more %XX
    escapes that do; with `spans` (of whole lines), those in the spans only. Neither a run nor
    an escaped line crosses a line break, so a span holds each of its own whole."""
    pieces = [(0, data)] if spans is None else [(a, data[a:b]) for a, b in spans if a < b]
    decoded = bytearray()
    offsets, where = array("q"), array("q")

    def add(start: int, end: int, text: bytes) -> None:
        if offsets:
            decoded.extend(_SEPARATOR)
        offsets.append(len(decoded))
        decoded.extend(text)
        where.extend((start, end))

    may_be_text = _MAY_BE_TEXT.match
    for shift, piece in pieces:
        for start, end in _candidates()(piece):
            if may_be_text(piece, start):
                text = _base64_text(piece[start:end])
                if text is not None:
                    add(shift + start, shift + end, text)
    percent_from = len(offsets)
    for shift, piece in pieces:
        if b"%" in piece:
            for start, end, text in _percent_lines(piece):
                add(shift + start, shift + end, text)
    return Parts(decoded, offsets, where, percent_from)


Candidates = Callable[[bytes], Iterator[tuple[int, int]]]
# Past this many runs in a file (and one more per RUN_SPACING bytes), the plain search
# takes over: each run costs a Hyperscan call, the plain search a pass over the bytes.
RUNS_BEFORE_FALLBACK = 64
RUN_SPACING = 1024
_found: Candidates | None = None


def _candidates() -> Candidates:
    """(start, end) of each run of MIN_BASE64 or more base64 characters, in one pass:
    Hyperscan's when it is installed, else translated bytes and bytes.find."""
    global _found
    if _found is None:
        try:
            _found = _hyperscan_candidates()
        except ImportError:
            _found = _plain_candidates
    return _found


# The rest of a run from one of its characters on.
_RUN_REST = re.compile(b"[" + _BASE64_CLASS + b"]*")


def _hyperscan_candidates() -> Candidates:
    import hyperscan

    # MIN_BASE64 run characters in a row, reported where they end. The run is a bare repeat,
    # which Hyperscan runs fast (three patterns that report a run once, by the character
    # before it, the one after it or its start of match, ran 10-15x slower on pytest's
    # history, reports included). But it reports at each character of a run from the
    # MIN_BASE64th on, and each report is a Python call. So the scan stops at a run's first
    # report, the regex engine finds where the run ends, and the scan resumes there: a call
    # per run, not per character (2.1M reports for 160k runs in pytest's history: candidate
    # search 2.0 s -> 1.4 s).
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    run = b"[" + _BASE64_CLASS + b"]{%d}" % MIN_BASE64
    database.compile(expressions=[run], ids=[0], elements=1, flags=[0])
    rest = _RUN_REST.match

    def find(data: bytes) -> Iterator[tuple[int, int]]:
        view = memoryview(data)
        found: list[int] = []

        def on_match(pattern_id: int, start: int, end: int, flags: int, context: object) -> bool:
            found.append(end)
            return True  # stop: the caller finds the run's end

        position = runs = 0
        limit = RUNS_BEFORE_FALLBACK + len(data) // RUN_SPACING
        while position < len(data):
            try:
                # The bindings take any buffer: a view of the rest, not a copy.
                database.scan(view[position:], match_event_handler=on_match)  # type: ignore[type-var]
            except hyperscan.error:  # stopped by on_match (older bindings say no more)
                if not found:
                    raise
            if not found:
                return
            first = position + found.pop()
            after = rest(data, first)
            assert after is not None  # a `*` repeat matches, if only the empty string
            position = after.end()
            yield first - MIN_BASE64, position
            runs += 1
            if runs > limit:  # a file of runs (minified code, data): one plain pass
                yield from _shifted(_plain_candidates(data[position:]), position)
                return

    return find


def _shifted(runs: Iterator[tuple[int, int]], by: int) -> Iterator[tuple[int, int]]:
    for start, end in runs:
        yield start + by, end + by


# Base64 characters become 'A', everything else a space: runs are then found with bytes.find,
# which skips through text far faster than a regex can.
_RUNS = bytes(ord("A") if byte in _BASE64_CHARS else ord(" ") for byte in range(256))
_RUN_NEEDLE = b"A" * MIN_BASE64


def _plain_candidates(data: bytes) -> Iterator[tuple[int, int]]:
    shape = data.translate(_RUNS)
    start = shape.find(_RUN_NEEDLE)
    while start != -1:
        end = shape.find(b" ", start)
        yield start, len(data) if end == -1 else end
        start = -1 if end == -1 else shape.find(_RUN_NEEDLE, end)


def _mixed(run: bytes) -> bool:
    """Upper case, lower case and a digit: base64 of 24+ bytes of text all but always has all
    three; identifiers, constants, hex hashes and underlines (most runs in code) do not. Bytes
    methods keep this test in C: it runs for every run in every file."""
    return not run.islower() and not run.isupper() and len(run.translate(None, _DIGITS)) < len(run)


_URLSAFE = bytes.maketrans(b"-_", b"+/")
_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _digits_where(test: Callable[[int], bool]) -> str:
    """A regex class of the base64 digits (both alphabets) whose 6-bit value passes `test`."""
    chosen = [chr(_ALPHABET[value]) for value in range(64) if test(value)]
    chosen += [{"+": "-", "/": "_"}[c] for c in chosen if c in "+/"]
    return "[" + re.escape("".join(chosen)) + "]"


# Four digits make three bytes; each byte of text is below 0x80, which zeroes bit 5 of the
# group's first digit, bit 3 of its second and bit 1 of its third. A run whose first
# MIN_BASE64 digits break this decodes to no text, whatever follows: one regex call rules out
# a token, a hash or binary data (most runs) without slicing or decoding it. Padding among
# them fails it too, rightly: it would leave at most 29 bytes, less than any text kept.
_MAY_BE_TEXT = re.compile(
    (
        "(?:"
        + _digits_where(lambda v: v < 32)
        + _digits_where(lambda v: not v & 8)
        + _digits_where(lambda v: not v & 2)
        + _digits_where(lambda v: True)
        + f"){{{MIN_BASE64 // 4}}}"
    ).encode()
)


def _base64_text(run: bytes) -> bytes | None:
    """The text `run` decodes to, or None: not mixed, not base64, or not text."""
    if not _mixed(run):
        return None
    body = run.rstrip(b"=")
    if b"=" in body:  # padding only at the end: this is something else
        return None
    # Most runs fail on their first groups (hashes, binary, tokens): those are decoded first.
    probe = body[: min(len(body), _PROBE) // 4 * 4].translate(_URLSAFE)
    if not _is_text(binascii.a2b_base64(probe), minimum=0):
        return None
    body = body.translate(_URLSAFE)
    body = body[: len(body) - len(body) % 4] if len(body) % 4 == 1 else body
    try:
        decoded = binascii.a2b_base64(body + b"=" * (-len(body) % 4))
    except binascii.Error:
        return None
    return decoded if _is_text(decoded) else None


# Lines are percent-decoded this many bytes at a time, joined: one call for many short lines,
# without holding every escape of a large file at once.
_PERCENT_BATCH = 64 * 1024


def _percent_lines(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    """(start, end, decoded) of each line with two or more %XX escapes that decodes to text.
    Code has many more % signs, for formatting, than escapes; each line is searched at most
    twice, from its first escape, however many it holds."""
    batch: list[tuple[int, int]] = []
    size = 0
    for start, end in _escaped_lines(data):
        batch.append((start, end))
        size += end - start
        if size >= _PERCENT_BATCH:
            yield from _decoded_lines(data, batch)
            batch, size = [], 0
    yield from _decoded_lines(data, batch)


def _escaped_lines(data: bytes) -> Iterator[tuple[int, int]]:
    search = _PERCENT.search
    found = search(data)
    while found is not None:
        start = data.rfind(b"\n", 0, found.start()) + 1
        end = data.find(b"\n", found.end())
        end = len(data) if end == -1 else end
        if search(data, found.end(), end) is not None:
            yield start, end
        found = search(data, end)


def _decoded_lines(data: bytes, lines: list[tuple[int, int]]) -> Iterator[tuple[int, int, bytes]]:
    from urllib.parse import unquote_to_bytes

    encoded = [data[start:end] for start, end in lines]
    # One call for the batch, split where the lines were joined: a NUL byte in a line (which
    # is then not text) splits it too, and the lines are then decoded one by one.
    decoded = unquote_to_bytes(b"\0".join(encoded)).split(b"\0")
    if len(decoded) != len(encoded):
        decoded = [unquote_to_bytes(line) for line in encoded]
    for (start, end), text in zip(lines, decoded, strict=True):
        if _is_text(text):
            yield start, end, text


def _is_text(decoded: bytes, minimum: int = MIN_BASE64 * 3 // 4) -> bool:
    return len(decoded) >= minimum and not decoded.translate(None, _TEXT)


_PUBLIC_MATERIAL = (
    b"-----BEGIN CERTIFICATE",
    b"-----BEGIN PUBLIC KEY",
    b"-----BEGIN RSA PUBLIC KEY",
    b"-----BEGIN X509 CRL",
    b"-----BEGIN CERTIFICATE REQUEST",
    b"ssh-rsa ",
    b"ssh-ed25519 ",
    b"ecdsa-sha2-",
)


_DOCUMENT = re.compile(r"[ \t\n{}\[\]\"',=:]")  # what a value on its own never holds


def benign(decoded: bytes) -> str | None:
    """Why decoded text holds no secret ('decodes to a certificate or public key', 'decodes to
    a placeholder'), or None."""
    head = decoded.lstrip()[:64]
    if head.startswith(_PUBLIC_MATERIAL):
        return "decodes to a certificate or public key"
    from pat_scan.engine import placeholders

    text = decoded.decode("utf-8", "replace").strip()
    # Only a value on its own (a base64 placeholder), never a document that mentions one.
    if len(text) <= 100 and not _DOCUMENT.search(text) and placeholders.reason(text):
        return "decodes to a placeholder"
    return None
