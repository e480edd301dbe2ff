"""pat_scan.validators.azure: its format, by hand-made and generated tokens.

No complete credential appears as a literal here: tokens are generated at run time or assembled
from obviously fake parts."""

from __future__ import annotations

import base64

from pat_scan.validators import validate


def test_azure_storage_key_length_and_canonical_form() -> None:
    assert validate("azure_storage_key", base64.b64encode(bytes(range(64))).decode())
    assert not validate("azure_storage_key", base64.b64encode(bytes(range(63))).decode())
    key = base64.b64encode(bytes(64)).decode()  # ends "AA=="
    assert not validate("azure_storage_key", key[:-3] + "B==")  # non-zero unused bits
