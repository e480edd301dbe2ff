"""pat_scan.validators.pypi: its format, by hand-made and generated tokens.

No complete credential appears as a literal here: tokens are generated at run time or assembled
from obviously fake parts."""

from __future__ import annotations

import base64

from pat_scan.validators import validate
from tests.helpers import token as new_token
from tests.validators.helpers import b64url


def test_pypi_token_starts_with_v2_location_field() -> None:
    # 0x02 (version), 0x01 (location), 0x08 (length), "pypi.org" -> "AgEIcHlwaS5vcmc"
    assert new_token("pypi_macaroon", "", 1).startswith(
        "pypi-" + b64url(b"\x02\x01\x08pypi.org")[:15]
    )
    assert b64url(b"\x02\x01\x08pypi.org").startswith("AgEIcHlwaS5vcmc")


def test_pypi_rejects_other_locations_and_damage() -> None:
    token = new_token("pypi_macaroon", "", 2)
    raw = base64.urlsafe_b64decode(token[5:] + "=" * (-len(token[5:]) % 4))
    other = raw.replace(b"pypi.org", b"evil.org", 1)
    assert not validate("pypi_macaroon", "pypi-" + b64url(other))
    assert not validate("pypi_macaroon", "pypi-" + b64url(raw[:-1]))  # short signature
    assert not validate("pypi_macaroon", "pypi-" + b64url(b"\x01" + raw[1:]))  # v1 byte
    padded = "pypi-" + base64.urlsafe_b64encode(raw).decode()
    assert validate("pypi_macaroon", padded)  # padding is tolerated
