"""Every check through the registry: generated tokens validate, one-character changes fail
checksums, and nothing raises on hostile input.

No complete credential appears as a literal here: tokens are generated at run time or assembled
from obviously fake parts."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pat_scan.validators import CHECKS, Check, validate
from tests.helpers import token as new_token
from tests.validators.helpers import ARGS, replace_at

CHECKSUMMED = sorted(name for name, check in CHECKS.items() if check.checksummed)


MUTATION_ALPHABET = string.ascii_letters + string.digits + "-_=."


SEEDS = st.integers(min_value=0, max_value=2**64)


GITHUB_PREFIXES = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")


def retypes_github_token(name: str, token: str, mutated: str) -> bool:
    """GitHub's CRC does not cover the prefix: ghp_ -> gho_ is another valid token, not a typo."""
    return name == "github_crc32" and mutated[:4] != token[:4] and mutated[:4] in GITHUB_PREFIXES


def test_every_check_is_listed_here() -> None:
    # A new check must be given its generator arguments above, so the properties cover it.
    assert set(ARGS) == set(CHECKS)


def test_required_names_present() -> None:
    required = {
        "github_crc32",
        "npm_crc32",
        "gitlab_routable_crc",
        "atlassian_crc32",
        "grafana_glsa",
        "age_bech32",
        "pgp_crc24",
        "pypi_macaroon",
        "aws_key_id",
        "jwt",
        "private_key",
        "discord_bot",
        "openai_marker",
        "azure_storage_key",
    }
    assert required <= set(CHECKS)


def test_checksummed_flags() -> None:
    assert set(CHECKSUMMED) >= {
        "github_crc32",
        "npm_crc32",
        "gitlab_routable_crc",
        "atlassian_crc32",
        "grafana_glsa",
        "age_bech32",
    }
    for name in ("pgp_crc24", "pypi_macaroon", "aws_key_id", "jwt", "private_key"):
        assert CHECKS[name].checksummed is False


def test_check_is_frozen() -> None:
    check = CHECKS["jwt"]
    assert isinstance(check, Check)
    with pytest.raises(AttributeError):
        check.checksummed = True  # type: ignore[misc]


def test_validate_dispatches_by_name() -> None:
    token = new_token("github_crc32", "")
    assert validate("github_crc32", token) is True
    assert validate("npm_crc32", token) is False
    assert validate("no_such_check", token) is False


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_generation_is_deterministic(name: str) -> None:
    assert new_token(name, "", 7) == new_token(name, "", 7)
    assert new_token(name, "", 7) != new_token(name, "", 8)


@pytest.mark.parametrize(
    ("name", "arg"),
    [
        ("github_crc32", "ghx_"),
        ("npm_crc32", "ghp_"),
        ("gitlab_routable_crc", "glpat"),
        ("pgp_crc24", "sha1"),
        ("pypi_macaroon", "example.org"),
        ("aws_key_id", "AIDA"),
        ("private_key", "X509"),
        ("openai_marker", "pk-"),
        ("anthropic_key", "sk-ant-api02-"),
        ("slack_token", "xoxz"),
        ("bitcoin_wif", "segwit"),
        ("bip32_xprv", "xpub"),
        ("age_bech32", "x"),
    ],
)
def test_generator_rejects_unknown_argument(name: str, arg: str) -> None:
    with pytest.raises(ValueError, match=name):
        new_token(name, arg)


@pytest.mark.parametrize("name", sorted(CHECKS))
@settings(max_examples=15, deadline=None)
@given(seed=SEEDS, data=st.data())
def test_generated_tokens_validate(name: str, seed: int, data: st.DataObject) -> None:
    arg = data.draw(st.sampled_from(ARGS[name]), label="arg")
    token = new_token(name, arg, seed)
    assert CHECKS[name].validate(token) is True
    assert validate(name, token) is True


@pytest.mark.parametrize("name", CHECKSUMMED)
@settings(max_examples=40, deadline=None)
@given(seed=SEEDS, data=st.data())
def test_single_character_change_fails(name: str, seed: int, data: st.DataObject) -> None:
    token = new_token(name, data.draw(st.sampled_from(ARGS[name]), label="arg"), seed)
    index = data.draw(st.integers(0, len(token) - 1), label="index")
    choices = [c for c in MUTATION_ALPHABET if c != token[index]]
    char = data.draw(st.sampled_from(choices), label="char")
    mutated = replace_at(token, index, char)
    assert validate(name, mutated) is retypes_github_token(name, token, mutated)


@pytest.mark.parametrize("name", CHECKSUMMED)
def test_every_single_character_change_fails(name: str) -> None:
    # Exhaustive over positions and a same-alphabet replacement for one token per check.
    token = new_token(name, "", 2024)
    alphabet = sorted(set(token) | set(string.digits))
    tried = 0
    for index, original in enumerate(token):
        for char in alphabet:
            if char != original:
                mutated = replace_at(token, index, char)
                expected = retypes_github_token(name, token, mutated)
                assert validate(name, mutated) is expected, (index, char)
                tried += 1
    assert tried >= len(token) * 5


@pytest.mark.parametrize("name", sorted(CHECKS))
@settings(max_examples=30, deadline=None)
@given(text=st.text(max_size=300))
def test_never_raises_on_arbitrary_text(name: str, text: str) -> None:
    assert validate(name, text) is False


@pytest.mark.parametrize("name", sorted(CHECKS))
@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 1000), data=st.data())
def test_never_raises_on_damaged_tokens(name: str, seed: int, data: st.DataObject) -> None:
    token = new_token(name, "", seed)
    start = data.draw(st.integers(0, len(token)), label="start")
    stop = data.draw(st.integers(start, len(token)), label="stop")
    insert = data.draw(st.text(max_size=5), label="insert")
    damaged = token[:start] + insert + token[stop:]
    assert isinstance(CHECKS[name].validate(damaged), bool)
    # Truncation never leaves a valid token: every format has a fixed tail or a length field.
    assert validate(name, token[: len(token) // 2]) is False


@pytest.mark.parametrize("name", sorted(CHECKS))
@pytest.mark.parametrize(
    "shape",
    ["", " ", "x", "0" * 40, "ghp_", "-----BEGIN PRIVATE KEY-----", "{}", "a.b.c", "==", "\n"],
)
def test_unknown_shapes_are_invalid(name: str, shape: str) -> None:
    assert validate(name, shape) is False


@pytest.mark.parametrize("name", sorted(CHECKS))
@pytest.mark.parametrize("value", [None, b"bytes", 42, ["list"]])
def test_non_string_input_is_invalid(name: str, value: object) -> None:
    assert validate(name, value) is False  # type: ignore[arg-type]
