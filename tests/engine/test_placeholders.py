"""Which values are placeholders, references or published examples rather than credentials."""

from __future__ import annotations

import pytest

from pat_scan.engine import placeholders


@pytest.mark.parametrize(
    "value",
    [
        "${DB_PASSWORD}",
        "$(cat /run/secrets/db)",
        "%(db_password)s",
        "{{ vault_token }}",
        "<your-token>",
        "os.environ['TOKEN']",
        "changeme-changeme",
        "xxxxxxxxxxxxxxxx",
        "abcdef123456",
    ],
)
def test_references_and_placeholders(value: str) -> None:
    assert placeholders.reason(value) == "placeholder"


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
