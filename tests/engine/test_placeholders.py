"""Which values are placeholders, references or published examples rather than credentials."""

from __future__ import annotations

import random
import string

import pytest

from pat_scan.engine import placeholders


def _random(length: int, seed: int) -> str:
    """Random letters and digits: no literal credential-like value in the tests."""
    rng = random.Random(seed)
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(length))


@pytest.mark.parametrize(
    "value",
    [
        "changeme-changeme",
        "xxxxxxxxxxxxxxxx",
        "abcdef123456",
        "AAAAAAAAAAAAAAAAAAAAAAAAb3Kq91",  # a run that is most of the value
    ],
)
def test_placeholders(value: str) -> None:
    assert placeholders.reason(value) == "placeholder"


@pytest.mark.parametrize(
    "value",
    [
        "${DB_PASSWORD}",
        "$(cat /run/secrets/db)",
        "%(db_password)s",
        "{{ vault_token }}",
        "<your-token>",
        "os.environ['TOKEN']",
        "$DB_PASSWORD",
        "\\$DB_PASSWORD",
        "%DB_PASSWORD%",
        "%{db_password}",
        "#{dbPassword}",
        "[[.Password]]",
        "@@DB_PASSWORD@@",
        "{.spec.password}",
        "!Ref DbPassword",
        "valueFrom",
        "vault://secret/data/db#password",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db",
        f"ENC({_random(32, 1)})",
        "ENC[AES256_GCM,data:Tr7o=,iv:1=,tag:k=,type:str]",
        "{cipher}AQB9+6Nx",
        f"vault:v1:{_random(66, 2)}==",
    ],
)
def test_references(value: str) -> None:
    assert placeholders.reason(value) == "reference"


@pytest.mark.parametrize(
    "value",
    [
        f"{_random(3, 3)}<b3>{_random(9, 4)}",  # `<...>` inside a random value is chance
        _random(9, 5) + "K" * 9 + _random(22, 6),  # a run in a long random value
    ],
)
def test_chance_patterns_inside_values_are_not_placeholders(value: str) -> None:
    assert placeholders.reason(value) is None


@pytest.mark.parametrize(
    ("path", "illustrative"),
    [
        ("src/main/java/com/example/App.java", False),  # a Java package, not an example folder
        ("app/src/main/kotlin/org/sample/Config.kt", False),
        ("src/main/java/com/acme/app.example.properties", True),  # its own name still counts
        ("docs/setup.md", True),
        ("examples/client.py", True),
        (".env.example", True),
        ("snippet", False),
    ],
)
def test_example_location(path: str, illustrative: bool) -> None:
    assert placeholders.example_location(path) is illustrative


def test_a_counting_password_is_the_judges_not_a_placeholder() -> None:
    assert placeholders.reason("gitnavi123456") == "placeholder"
    assert placeholders.reason("gitnavi123456", password=True) is None


@pytest.mark.parametrize(
    "value",
    [
        # A generated Django key (shape of `startproject` output) holding "%(" and "$(" by chance.
        "django-insecure-_du9e^cmqgo!%(^+=gr@cu@v9-v7u$(8k2s3!w&39w4+",
        "Zq8#vL2!mP9@xR4$",
    ],
)
def test_random_values_holding_reference_characters_are_not_placeholders(value: str) -> None:
    assert placeholders.reason(value) is None


def test_published_example_keys_are_recognised_by_hash_only() -> None:
    telegram_docs_token = "110201543:" + "AAHdqTcvCH1vGWJxfSe1ofSAs0K5PALDsaw"
    assert placeholders.reason(telegram_docs_token) == "example key"
    assert placeholders.reason(telegram_docs_token[:-1] + "x") is None
