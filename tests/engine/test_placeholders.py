"""Which values are placeholders, references or published examples rather than credentials."""

from __future__ import annotations

import pytest

from pat_scan.engine import placeholders


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
        "ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)",
        "ENC[AES256_GCM,data:Tr7o=,iv:1=,tag:k=,type:str]",
        "{cipher}AQB9+6Nx",
        "vault:v1:8SDd3WHDOjf7mq69CyCqYjBXAiQQAVZRkFM13ok481zoCmHnSeDX9vyf7w==",
    ],
)
def test_references(value: str) -> None:
    assert placeholders.reason(value) == "reference"


@pytest.mark.parametrize(
    "value",
    [
        "Xk9<b3>qLm2Pw7vZ",  # `<...>` inside a random value is chance, not a template
        "Zq8xL2mP9" + "K" * 9 + "R4vT6wY8nB3cD5fG7hJ1kL",  # a run in a long random value
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
