"""pat_scan.validators.bech32: its format, by hand-made and generated tokens.

No complete credential appears as a literal here: tokens are generated at run time or assembled
from obviously fake parts."""

from __future__ import annotations

import pytest

from pat_scan.validators import bech32, validate
from tests.helpers import token as new_token


@pytest.mark.parametrize(
    "text",
    [
        "A12UEL5L",
        "a12uel5l",
        "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
        "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
        "?1ezyfcl",
    ],
)
def test_bech32_bip173_valid_vectors(text: str) -> None:
    assert bech32._bech32_decode(text) is not None


@pytest.mark.parametrize("text", ["A1G7SGD8", "10a06t8", "1qzzfhee", "a12UEL5L", "a12uel5x"])
def test_bech32_bip173_invalid_vectors(text: str) -> None:
    assert bech32._bech32_decode(text) is None


def test_age_key_shape() -> None:
    token = new_token("age_bech32", "", 3)
    assert token.startswith("AGE-SECRET-KEY-1")
    assert len(token) == 74
    assert token == token.upper()
    assert validate("age_bech32", token.lower()) is False  # age keys are upper-case
    assert validate("nostr_nsec", token) is False


def test_bech32_wrong_hrp_fails() -> None:
    data = bech32._convert_bits(bytes(range(32)), 8, 5, pad=True)
    assert data is not None
    assert validate("nostr_nsec", bech32._bech32_encode("nsec", data))
    assert not validate("nostr_nsec", bech32._bech32_encode("npub", data))
    assert not validate("nostr_nsec", bech32._bech32_encode("nsec", data[:-2]))  # 31 bytes
