"""Text blocks (PEM, OpenPGP armour) as they appear in files."""

from __future__ import annotations

import base64
from collections.abc import Callable

# --------------------------------------------------------------------------------------------
# Text blocks (PEM, OpenPGP armour) as they appear in files: CRLF endings, indentation, quotes,
# and literal "\n" escapes when the block sits inside a JSON or code string.
# --------------------------------------------------------------------------------------------


def _block_lines(text: str) -> list[str]:
    text = text.replace("\\r\\n", "\n").replace("\\n", "\n").replace("\r\n", "\n")
    return [line.strip(" \t\r\"'`") for line in text.replace("\r", "\n").split("\n")]


def armoured(text: str, label_ok: Callable[[str], bool]) -> tuple[str, list[str], list[str]] | None:
    """Split an armoured block into (label, header lines, body chunks); None if not one.

    Also accepts the block flattened onto one line with spaces, as environment variables and
    some CI settings store it.
    """
    norm = "\n".join(_block_lines(text))
    start = norm.find("-----BEGIN ")
    if start < 0:
        return None
    close = norm.find("-----", start + 11)
    label = norm[start + 11 : close]
    if close < 0 or "\n" in label or not label_ok(label):
        return None
    end = norm.find(f"-----END {label}-----", close + 5)
    if end < 0:
        return None
    lines = [line.strip() for line in norm[close + 5 : end].split("\n")]
    # Base64 never contains ':', so any such line is an RFC 1421 / RFC 4880 header.
    headers = [line for line in lines if ":" in line]
    body = [chunk for line in lines if ":" not in line for chunk in line.split()]
    return label, headers, body


def wrap64(data: bytes) -> list[str]:
    encoded = base64.b64encode(data).decode("ascii")
    return [encoded[i : i + 64] for i in range(0, len(encoded), 64)]
