"""Jupyter notebooks: the text a person sees, not the JSON around it.

Cell sources and text outputs are scanned as they read once the JSON is decoded (quotes and
newlines unescaped); image and other binary outputs (base64 PNGs) are never scanned. A finding
keeps its place in the file for SARIF and editors, and notes the cell and the line in the cell.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, NamedTuple

_TEXT_MIMES = ("text/plain", "text/html", "text/markdown", "text/latex", "application/json")


class View(NamedTuple):
    text: bytes
    label: str  # 'cell 3' or 'cell 3 output'


def views(data: bytes) -> list[View] | None:
    """The notebook's texts, or None when it is not notebook JSON (then scan it as it is)."""
    try:
        document = json.loads(data)
    except ValueError:
        return None
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(cells, list):
        return None
    return [view for number, cell in enumerate(cells, 1) for view in _cell(number, cell)]


def _cell(number: int, cell: Any) -> Iterator[View]:
    if not isinstance(cell, dict):
        return
    source = _joined(cell.get("source"))
    if source:
        yield View(source.encode(), f"cell {number}")
    for output in cell.get("outputs") or []:
        for text in _output_texts(output):
            yield View(text.encode(), f"cell {number} output")


def _output_texts(output: Any) -> Iterator[str]:
    if not isinstance(output, dict):
        return
    if output.get("output_type") == "stream":
        yield _joined(output.get("text"))
    data = output.get("data")
    if isinstance(data, dict):
        for mime in _TEXT_MIMES:
            if mime in data:
                yield _joined(data[mime])


def _joined(value: Any) -> str:
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return json.dumps(value)
    return ""


def place(data: bytes, secret: str, after: int) -> tuple[int, int]:
    """Where `secret` stands in the notebook's JSON (escaped as JSON writes it), searching from
    `after`; the start of the file if it cannot be found."""
    escaped = json.dumps(secret, ensure_ascii=False)[1:-1].encode()
    position = data.find(escaped, after)
    if position == -1:
        position = data.find(escaped)
    return (position, position + len(escaped)) if position != -1 else (0, 0)
