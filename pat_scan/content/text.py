"""Whether a file's bytes are text, in which encoding, and that text as the UTF-8 the engine
scans. Text in any common encoding is scanned: UTF-8, UTF-16 and UTF-32 (with a byte-order mark
or, for text that is mostly ASCII, without one), and single-byte encodings (a file that is not
UTF-8 is read as Windows-1252, or Latin-1). Compiled binaries are not text: they have NUL bytes
without the regular pattern of UTF-16 or UTF-32."""

from __future__ import annotations

import codecs
import itertools
from collections.abc import Callable, Iterable, Iterator

BINARY_PROBE = 8192

_BOMS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SINGLE_BYTE = ("cp1252", "latin-1")  # the first that decodes the file; latin-1 always does


def encoding(data: bytes) -> str | None:
    """The encoding of text content: None for UTF-8 (and ASCII), a codec name otherwise, or
    'binary'. Decided by the byte-order mark, else by the first BINARY_PROBE bytes."""
    for mark, name in _BOMS:
        if data.startswith(mark):
            return name
    probe = data[:BINARY_PROBE]
    if b"\0" in probe:
        return _wide(probe) or "binary"
    if data.isascii() or _decodes(data, "utf-8"):
        return None
    return next(name for name in _SINGLE_BYTE if _decodes(data, name))


def scannable(data: bytes) -> bytes | None:
    """The text to scan, as UTF-8, or None when the content is binary."""
    name = encoding(data)
    return None if name == "binary" else as_utf8(data, name)


def as_utf8(data: bytes, name: str | None) -> bytes:
    """The text of `data` (in encoding `name`, None for UTF-8) as UTF-8, byte-order mark
    dropped. Lines and character columns are the same in both."""
    if name is None:
        return data
    text = data.decode(name, "replace")
    return text.removeprefix("\ufeff").encode("utf-8", "surrogatepass")


def utf8_pieces(pieces: Iterable[bytes], name: str | None) -> Iterator[bytes]:
    """`as_utf8` for content read piece by piece (a piece may end inside a character)."""
    if name is None:
        yield from pieces
        return
    decode: Callable[..., str] = codecs.getincrementaldecoder(name)("replace").decode
    first = True  # until the first character, which may be a byte-order mark
    for piece in itertools.chain(pieces, [None]):
        text = decode(b"", True) if piece is None else decode(piece)
        if first and text:
            text, first = text.removeprefix("\ufeff"), False
        yield text.encode("utf-8", "surrogatepass")


def _wide(probe: bytes) -> str | None:
    """UTF-32 or UTF-16 without a byte-order mark, told by where the NUL bytes fall: text that
    is mostly ASCII has a NUL in the high bytes of nearly every unit, and never two in a row
    in UTF-16 where a unit's low byte stands."""
    for width, names in ((4, ("utf-32-le", "utf-32-be")), (2, ("utf-16-le", "utf-16-be"))):
        units = len(probe) // width
        if not units:
            continue
        aligned = probe[: units * width]
        for name in names:
            low = 0 if name.endswith("le") else width - 1
            zero_low = aligned[low::width].count(0)
            zero_high = sum(aligned[i::width].count(0) for i in range(width) if i != low)
            mostly_ascii = zero_high >= 0.6 * units * (width - 1)
            if mostly_ascii and zero_low <= 0.02 * units and _decodes(aligned, name):
                return name
    return None


def _decodes(data: bytes, name: str) -> bool:
    try:
        data.decode(name)
    except UnicodeDecodeError:
        return False
    return True
