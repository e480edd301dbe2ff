"""PyPI API tokens: binary v2 macaroons whose location is PyPI."""

from __future__ import annotations

import json
import random

from pat_scan.validators._codec import B64URL_SET, b64_decode, b64url_nopad

# --------------------------------------------------------------------------------------------
# PyPI API tokens: "pypi-" + base64url of a binary v2 macaroon:
#   0x02, [location], identifier, EOS, {[location] identifier [vid] EOS}*, EOS, signature
# Each field is a one-byte type, a LEB128 length and the bytes; EOS is a single 0x00.
# --------------------------------------------------------------------------------------------

_MAC_EOS, _MAC_LOCATION, _MAC_IDENTIFIER, _MAC_VID, _MAC_SIGNATURE = 0, 1, 2, 4, 6
_PYPI_LOCATIONS = (b"pypi.org", b"test.pypi.org")


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]  # IndexError on truncation is turned into False by the caller
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7
        if shift > 28:
            raise ValueError("varint too long")


def _read_section(data: bytes, pos: int) -> tuple[dict[int, bytes], int]:
    """Read fields up to and including an EOS byte."""
    fields: dict[int, bytes] = {}
    last = -1
    while data[pos] != _MAC_EOS:
        kind = data[pos]
        if kind <= last or kind not in (_MAC_LOCATION, _MAC_IDENTIFIER, _MAC_VID):
            raise ValueError("bad macaroon field order")
        size, pos = _read_varint(data, pos + 1)
        if pos + size > len(data):
            raise ValueError("truncated macaroon field")
        fields[kind], pos, last = data[pos : pos + size], pos + size, kind
    return fields, pos + 1


def _macaroon(data: bytes) -> tuple[dict[int, bytes], list[bytes]] | None:
    """(header fields, caveat identifiers) of a well-formed v2 macaroon, else None."""
    if not data or data[0] != 2:
        return None
    try:
        header, pos = _read_section(data, 1)
        if _MAC_IDENTIFIER not in header:
            return None
        caveats: list[bytes] = []
        while data[pos] != _MAC_EOS:
            caveat, pos = _read_section(data, pos)
            if _MAC_IDENTIFIER not in caveat:
                return None
            caveats.append(caveat[_MAC_IDENTIFIER])
        pos += 1
        if data[pos] != _MAC_SIGNATURE:
            return None
        size, pos = _read_varint(data, pos + 1)
    except (IndexError, ValueError):
        return None
    if size != 32 or pos + size != len(data):
        return None
    return header, caveats


def _pypi_macaroon(secret: str) -> tuple[dict[int, bytes], list[bytes]] | None:
    if not secret.startswith("pypi-"):
        return None
    data = b64_decode(secret[5:], B64URL_SET)
    parts = None if data is None else _macaroon(data)
    return parts if parts is not None and parts[0].get(_MAC_LOCATION) in _PYPI_LOCATIONS else None


def validate_pypi(secret: str) -> bool:
    return _pypi_macaroon(secret) is not None


def pypi_caveats(secret: str) -> list[bytes] | None:
    """The caveats of a PyPI API token (each a JSON document, not secret: the signature is),
    or None when it is not a well-formed one."""
    parts = _pypi_macaroon(secret)
    return None if parts is None else parts[1]


def _mac_field(kind: int, value: bytes) -> bytes:
    size = len(value)
    out = bytearray([kind])
    while size >= 0x80:
        out.append((size & 0x7F) | 0x80)
        size >>= 7
    out.append(size)
    return bytes(out) + value


def generate_pypi(rng: random.Random, arg: str) -> str:
    location = (arg or "pypi.org").encode("ascii")
    if location not in _PYPI_LOCATIONS:
        raise ValueError(f"pypi_macaroon: location must be pypi.org or test.pypi.org, got {arg!r}")
    ident = json.dumps({"version": 1, "id": rng.randbytes(16).hex()}).encode("ascii")
    caveat = json.dumps({"version": 1, "permissions": "user"}).encode("ascii")
    mac = (
        b"\x02"
        + _mac_field(_MAC_LOCATION, location)
        + _mac_field(_MAC_IDENTIFIER, ident)
        + b"\x00"
        + _mac_field(_MAC_IDENTIFIER, caveat)
        + b"\x00\x00"
        + _mac_field(_MAC_SIGNATURE, rng.randbytes(32))
    )
    return "pypi-" + b64url_nopad(mac)
