"""Shared by the validator tests: the arguments each generator takes, and small encoders."""

from __future__ import annotations

import base64

ARGS: dict[str, list[str]] = {
    "github_crc32": ["", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
    "npm_crc32": ["", "npm_"],
    "gitlab_routable_crc": ["", "glpat-", "glrt-", "gldt-", "glcbt-"],
    "atlassian_crc32": [""],
    "grafana_glsa": [""],
    "age_bech32": [""],
    "pgp_crc24": ["", "nocrc"],
    "pypi_macaroon": ["", "pypi.org", "test.pypi.org"],
    "aws_key_id": ["", "AKIA", "ASIA", "ABIA", "ACCA"],
    "jwt": ["", "RS256", "none"],
    "jwk_private": ["", "EC", "P-384", "OKP", "oct", "RSA"],
    "private_key": ["", "RSA", "EC", "DSA", "ENCRYPTED", "OPENSSH"],
    "discord_bot": [""],
    "openai_marker": ["", "sk-", "sk-proj-", "sk-svcacct-", "sk-admin-"],
    "azure_storage_key": [""],
    "anthropic_key": ["", "sk-ant-api03-", "sk-ant-admin01-"],
    "telegram_bot": [""],
    "sentry_org_token": ["", "acme-corp"],
    "slack_token": ["", "xoxb", "xoxp", "xapp"],
    "nostr_nsec": [""],
    "bitcoin_wif": ["", "compressed", "uncompressed"],
    "bip32_xprv": ["", "xprv", "tprv", "yprv", "zprv"],
    "gcp_service_account": ["", "demo-project"],
}


def replace_at(text: str, index: int, char: str) -> str:
    return text[:index] + char + text[index + 1 :]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")
