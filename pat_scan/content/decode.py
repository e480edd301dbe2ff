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
from collections.abc import Iterator
from typing import NamedTuple

# 40 characters decode to 30 bytes: a provider token, or a short one with its name. Shorter
# runs in code are mostly identifiers; counting them doubles the work for nothing.
MIN_BASE64 = 40
_BASE64_CHARS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_="
# Base64 characters become 'A', everything else a space: runs are then found with bytes.find,
# which skips through text far faster than a regex can.
_RUNS = bytes(ord("A") if byte in _BASE64_CHARS else ord(" ") for byte in range(256))
_RUN_NEEDLE = b"A" * MIN_BASE64
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
    yield from _base64_runs(data)
    if b"%" in data:
        yield from _percent_lines(data)


def _base64_runs(data: bytes) -> Iterator[Segment]:
    shape = data.translate(_RUNS)
    start = shape.find(_RUN_NEEDLE)
    while start != -1:
        end = shape.find(b" ", start)
        end = len(data) if end == -1 else end
        run = data[start:end]
        if _mixed(run):
            decoded = _base64_text(run)
            if decoded is not None:
                yield Segment(start, end, decoded, "base64")
        start = shape.find(_RUN_NEEDLE, end)


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


def _percent_lines(data: bytes) -> Iterator[Segment]:
    """Lines with two or more %XX escapes. The escapes are found by one regex pass (code has
    many more % signs, for formatting, than escapes)."""
    from urllib.parse import unquote_to_bytes

    start = end = -1  # the line of the previous escape
    decided = 0  # lines before this offset are done with
    for escape in _PERCENT.finditer(data):
        position = escape.start()
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


def benign(decoded: bytes) -> str | None:
    """Why decoded text holds no secret ('decodes to a certificate or public key', 'decodes to
    a placeholder'), or None."""
    head = decoded.lstrip()[:64]
    if head.startswith(_PUBLIC_MATERIAL):
        return "decodes to a certificate or public key"
    from pat_scan.engine import placeholders

    text = decoded.decode("utf-8", "replace").strip()
    # Only a value on its own (a base64 placeholder), never a document that mentions one.
    if (
        len(text) <= 100
        and not any(c in text for c in " \t\n{}[]\"',=:")
        and placeholders.reason(text)
    ):
        return "decodes to a placeholder"
    return None
