"""pat_scan.validators.gitlab: its format, by hand-made and generated tokens.

No complete credential appears as a literal here: tokens are generated at run time or assembled
from obviously fake parts."""

from __future__ import annotations

import string
import zlib

from pat_scan.validators import _codec, validate
from tests.validators.helpers import b64url


def gitlab_token(payload: bytes, version: str = "01", prefix: str = "glpat-") -> str:
    encoded = b64url(bytes(range(16)) + payload + bytes([len(payload)]))
    length = _codec.encode_base(len(encoded), string.digits + string.ascii_lowercase, 2)
    signed = f"{prefix}{encoded}.{version}.{length}"
    crc = zlib.crc32(signed.encode())
    return signed + _codec.encode_base(crc, string.digits + string.ascii_lowercase, 7)


def test_gitlab_built_by_hand() -> None:
    token = gitlab_token(b"o:1\nu:2")
    assert int(token[-7:], 36) == zlib.crc32(token[:-7].encode())
    assert validate("gitlab_routable_crc", token)


def test_gitlab_structure_is_checked_beyond_the_crc() -> None:
    # Each of these has a correct CRC, so only the structural checks can reject them.
    assert not validate("gitlab_routable_crc", gitlab_token(b"o:1", version="02"))
    assert not validate("gitlab_routable_crc", gitlab_token(b"no colon here"))
    assert not validate("gitlab_routable_crc", gitlab_token(b"o:1", prefix="glpat"))
