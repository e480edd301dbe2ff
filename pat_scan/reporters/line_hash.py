"""`primaryLocationLineHash`, computed as github/codeql-action's upload step does
(fingerprints.ts), from the files on disk: code scanning then tracks an alert across edits."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path

from pat_scan.findings import Finding, InFile

# Pure-Python line hashing runs at a few MB/s; above this the upload action computes it itself.
MAX_HASHED_BYTES = 4 * 1024 * 1024


_BLOCK_SIZE = 100
_MODULUS = 37
_MASK = (1 << 64) - 1  # the upload action hashes in wrapping 64-bit integers
_FIRST_MOD = pow(_MODULUS, _BLOCK_SIZE, 1 << 64)
_EOF = 0xFFFF
_TAB, _SPACE, _LF, _CR = 9, 32, 10, 13


def for_findings(findings: Iterable[Finding]) -> dict[tuple[str, int], str]:
    """(path, line) -> hash for working-tree findings whose file on disk still holds that line.

    Findings from history or standard input, and files that changed since the scan (a hook scans
    the index, not the work tree), get none; the upload action then computes its own."""
    wanted: dict[str, dict[int, str]] = {}
    for finding in findings:
        if isinstance(finding.origin, InFile) and finding.path != "-":
            wanted.setdefault(finding.path, {})[finding.line] = finding.line_text
    hashes: dict[tuple[str, int], str] = {}
    for path, lines in wanted.items():
        text = _read_matching(path, lines)
        if text is None:
            continue
        for line, value in line_hashes(text, set(lines)).items():
            hashes[(path, line)] = value
    return hashes


def _read_matching(path: str, lines: dict[int, str]) -> str | None:
    try:
        data = Path(path).read_bytes() if Path(path).stat().st_size <= MAX_HASHED_BYTES else None
    except OSError:
        return None
    if data is None:
        return None
    split = data.split(b"\n")
    for number, line_text in lines.items():
        if number > len(split) or split[number - 1].decode("utf-8", "replace") != line_text:
            return None
    return data.decode("utf-8", "replace")


def line_hashes(text: str, wanted: set[int]) -> dict[int, str]:
    """The `hash:occurrence` value of each line in `wanted` (1-based)."""
    found: dict[int, str] = {}
    if not wanted:
        return found
    last = max(wanted)
    for line, value in _all_line_hashes(text):
        if line in wanted:
            found[line] = value
        if line >= last:
            break
    return found


def _all_line_hashes(text: str) -> Iterator[tuple[int, str]]:
    """Every line's hash, in order.

    A rolling polynomial hash over the next 100 characters from the line's first one, skipping
    spaces and tabs, with CR and CRLF read as LF, a 0xFFFF end marker and zero padding at the end.
    Characters are UTF-16 code units, as JavaScript strings hold them. A value seen before gets a
    higher `:N` count, so identical lines stay distinct."""
    encoding = "utf-16-le" if sys.byteorder == "little" else "utf-16-be"
    units = memoryview(text.encode(encoding)).cast("H")
    window = [0] * _BLOCK_SIZE
    starts = [-1] * _BLOCK_SIZE  # line number beginning at each window slot, or -1
    counts: dict[int, int] = {}
    value = 0
    index = 0
    line = 0
    line_start = True
    previous_cr = False
    # Inlined rather than split into helpers: this loop runs once per character.
    for unit in chain(units, (_EOF,)):
        if unit in (_SPACE, _TAB) or (previous_cr and unit == _LF):
            previous_cr = False
            continue
        previous_cr = unit == _CR
        if previous_cr:
            unit = _LF
        if starts[index] != -1:
            counts[value] = count = counts.get(value, 0) + 1
            yield starts[index], f"{value:x}:{count}"
            starts[index] = -1
        if line_start:
            line_start = False
            line += 1
            starts[index] = line
        if unit == _LF:
            line_start = True
        value = (_MODULUS * value + unit - _FIRST_MOD * window[index]) & _MASK
        window[index] = unit
        index = (index + 1) % _BLOCK_SIZE
    for _ in range(_BLOCK_SIZE):
        if starts[index] != -1:
            counts[value] = count = counts.get(value, 0) + 1
            yield starts[index], f"{value:x}:{count}"
            starts[index] = -1
        value = (_MODULUS * value - _FIRST_MOD * window[index]) & _MASK
        window[index] = 0
        index = (index + 1) % _BLOCK_SIZE
