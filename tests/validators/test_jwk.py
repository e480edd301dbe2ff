"""pat_scan.validators.jwk: the private member of a JSON Web Key, by size and shape.

No key appears as a literal here: values are made from random bytes at run time."""

from __future__ import annotations

import os

import pytest

from pat_scan.validators import validate
from tests.validators.helpers import b64url


def _mixed(size: int) -> str:
    while True:
        value = b64url(os.urandom(size))
        if not (value.islower() or value.isupper() or value.isalpha()):
            return value


@pytest.mark.parametrize("size", [16, 32, 48, 57, 66, 128, 256, 512, 1024])
def test_the_sizes_keys_have(size: int) -> None:
    assert validate("jwk_private", _mixed(size))


@pytest.mark.parametrize("size", [12, 20, 40, 100, 1100])
def test_other_sizes_are_not_keys(size: int) -> None:
    assert not validate("jwk_private", _mixed(size))


def test_padding_words_and_one_case_are_not_keys() -> None:
    assert not validate("jwk_private", _mixed(32) + "=")
    assert not validate("jwk_private", "test_malformed_rule_names_file10")  # 24 bytes' length
    assert not validate("jwk_private", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFG")
    assert not validate("jwk_private", "a" * 42 + "!")
