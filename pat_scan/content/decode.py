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
from collections.abc import Callable, Iterator
from typing import NamedTuple

# 40 characters decode to 30 bytes: a provider token, or a short one with its name. Shorter
# runs in code are mostly identifiers; counting them doubles the work for nothing.
MIN_BASE64 = 40
_BASE64_CLASS = rb"A-Za-z0-9+/_=\-"
_BASE64_CHARS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_="
_RUN_END = re.compile(rb"[^" + _BASE64_CLASS + rb"]")
_DIGITS = b"0123456789"
_PERCENT = re.compile(rb"%[0-9A-Fa-f]{2}")
_TEXT = bytes(range(0x20, 0x7F)) + b"\t\n\r"
_PROBE = 44  # decode this much of a run first: hashes and binary fail here, cheaply


class Segment(NamedTuple):
    start: int  # where the encoded text is in the file
    end: int
    decoded: bytes
    encoding: str  # 'base64' | 'percent-encoded'


def segments(data: bytes) -> Iterator[Segment]:
    runs, escapes = _candidates()(data)
    yield from _base64_runs(data, runs)
    if escapes:
        yield from _percent_lines(data, escapes)


Candidates = Callable[[bytes], tuple[list[int], list[int]]]
REPORTS_BEFORE_FALLBACK = 64
REPORT_SPACING = 1024  # bytes per report allowed beyond the first REPORTS_BEFORE_FALLBACK
_found: Candidates | None = None


def _candidates() -> Candidates:
    """Where each base64 run of MIN_BASE64 or more characters and each %XX escape starts, in
    one pass: Hyperscan's when it is installed, else translated bytes and a regex."""
    global _found
    if _found is None:
        try:
            _found = _hyperscan_candidates()
        except ImportError:
            _found = _plain_candidates
    return _found


def _hyperscan_candidates() -> Candidates:
    import hyperscan

    # MIN_BASE64 run characters in a row, and an escape, reported where they end. The run is
    # a bare repeat, which Hyperscan runs fast; a run start anchored on the character before it
    # would report once per run but run 1.8x slower (dense classes on both sides), more than
    # the extra reports cost.
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    run = b"[" + _BASE64_CLASS + b"]{%d}" % MIN_BASE64
    database.compile(expressions=[run, _PERCENT.pattern], ids=[0, 1], elements=2, flags=[0, 0])

    def find(data: bytes) -> tuple[list[int], list[int]]:
        ends: tuple[list[int], list[int]] = ([], [])
        # A report costs a Python call: past this many (long runs, such as minified code or
        # data, report at each character), the translated search is cheaper.
        limit = REPORTS_BEFORE_FALLBACK + len(data) // REPORT_SPACING

        def on_match(pattern_id: int, start: int, end: int, flags: int, context: object) -> bool:
            ends[pattern_id].append(end)
            return len(ends[0]) + len(ends[1]) > limit

        if data:
            try:
                database.scan(data, match_event_handler=on_match)
            except hyperscan.error:  # stopped by on_match (older bindings say no more)
                if len(ends[0]) + len(ends[1]) <= limit:
                    raise
                return _plain_candidates(data)
        run_ends, escape_ends = ends
        # A run reports at each of its characters from the MIN_BASE64th on; it starts where
        # the reports are not consecutive. Sorted first, should an engine report out of order.
        run_ends.sort()
        runs: list[int] = []
        last = -2
        for end in run_ends:
            if end != last + 1:
                runs.append(end - MIN_BASE64)
            last = end
        return runs, sorted(end - 3 for end in escape_ends)

    return find


# Base64 characters become 'A', everything else a space: runs are then found with bytes.find,
# which skips through text far faster than a regex can.
_RUNS = bytes(ord("A") if byte in _BASE64_CHARS else ord(" ") for byte in range(256))
_RUN_NEEDLE = b"A" * MIN_BASE64


def _plain_candidates(data: bytes) -> tuple[list[int], list[int]]:
    runs: list[int] = []
    shape = data.translate(_RUNS)
    start = shape.find(_RUN_NEEDLE)
    while start != -1:
        runs.append(start)
        end = shape.find(b" ", start)
        start = -1 if end == -1 else shape.find(_RUN_NEEDLE, end)
    escapes = [m.start() for m in _PERCENT.finditer(data)] if b"%" in data else []
    return runs, escapes


def _base64_runs(data: bytes, starts: list[int]) -> Iterator[Segment]:
    for start in starts:
        found = _RUN_END.search(data, start)
        end = len(data) if found is None else found.start()
        run = data[start:end]
        if _mixed(run):
            decoded = _base64_text(run)
            if decoded is not None:
                yield Segment(start, end, decoded, "base64")


def _mixed(run: bytes) -> bool:
    """Upper case, lower case and a digit: base64 of 24+ bytes of text all but always has all
    three; identifiers, constants, hex hashes and underlines (most runs in code) do not. Bytes
    methods keep this test in C: it runs for every run in every file."""
    return not run.islower() and not run.isupper() and len(run.translate(None, _DIGITS)) < len(run)


def _base64_text(run: bytes) -> bytes | None:
    body = run.rstrip(b"=")
    if b"=" in body:  # padding only at the end: this is something else
        return None
    if b"-" in body or b"_" in body:
        body = body.replace(b"-", b"+").replace(b"_", b"/")
    body = body[: len(body) - len(body) % 4] if len(body) % 4 == 1 else body
    try:
        if not _is_text(binascii.a2b_base64(body[: min(len(body), _PROBE) // 4 * 4]), minimum=0):
            return None
        decoded = binascii.a2b_base64(body + b"=" * (-len(body) % 4))
    except binascii.Error:
        return None
    return decoded if _is_text(decoded) else None


def _percent_lines(data: bytes, escapes: list[int]) -> Iterator[Segment]:
    """Lines with two or more %XX escapes (at `escapes`: code has many more % signs, for
    formatting, than escapes)."""
    from urllib.parse import unquote_to_bytes

    start = end = -1  # the line of the previous escape
    decided = 0  # lines before this offset are done with
    for position in escapes:
        if position < decided:
            continue
        if position < end:  # a second escape on this line
            decoded = unquote_to_bytes(data[start:end])
            if _is_text(decoded):
                yield Segment(start, end, decoded, "percent-encoded")
            decided = end
            continue
        start = data.rfind(b"\n", 0, position) + 1
        end = data.find(b"\n", position)
        end = len(data) if end == -1 else end


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
