"""Offline checks that tell a real credential from a fake.

Each check pairs a validator (secret text -> does its checksum or structure hold?) with a generator
that makes a fresh valid token, so rule examples never commit a literal credential. One module a
format family; this one is the registry. Stdlib only: it is on the pre-commit hook's import path.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import NamedTuple

from pat_scan.validators.anthropic import generate_anthropic, validate_anthropic
from pat_scan.validators.atlassian import generate_atlassian, validate_atlassian
from pat_scan.validators.aws import generate_aws, validate_aws
from pat_scan.validators.azure import generate_azure_storage, validate_azure_storage
from pat_scan.validators.base58 import generate_wif, generate_xprv, validate_wif, validate_xprv
from pat_scan.validators.bech32 import generate_age, generate_nostr, validate_age, validate_nostr
from pat_scan.validators.discord import generate_discord, validate_discord
from pat_scan.validators.gcp import generate_gcp_sa, validate_gcp_sa
from pat_scan.validators.github import generate_github, generate_npm, validate_github, validate_npm
from pat_scan.validators.gitlab import generate_gitlab, validate_gitlab
from pat_scan.validators.grafana import generate_grafana, validate_grafana
from pat_scan.validators.jwk import generate_jwk_private, validate_jwk_private
from pat_scan.validators.jwt import generate_jwt, validate_jwt
from pat_scan.validators.openai import generate_openai, validate_openai
from pat_scan.validators.pgp import generate_pgp, validate_pgp
from pat_scan.validators.private_keys import generate_private_key, validate_private_key
from pat_scan.validators.pypi import generate_pypi, validate_pypi
from pat_scan.validators.sentry import generate_sentry, validate_sentry
from pat_scan.validators.slack import generate_slack, validate_slack
from pat_scan.validators.telegram import generate_telegram, validate_telegram

__all__ = ["CHECKS", "Check", "validate"]


class Check(NamedTuple):
    validate: Callable[[str], bool]  # secret -> valid?
    generate: Callable[[random.Random, str], str]  # (rng, arg) -> a valid token
    checksummed: bool  # True when any single-character change must make validate() False


# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------


def _safe(func: Callable[[str], bool]) -> Callable[[str], bool]:
    """Wrap a validator so that no input, however malformed, raises."""

    def checked(secret: str) -> bool:
        if not isinstance(secret, str):
            return False
        try:
            return bool(func(secret))
        except Exception:  # malformed input of any kind (even RecursionError) means "not valid"
            return False

    checked.__name__ = func.__name__
    checked.__doc__ = func.__doc__
    return checked


def _check(
    validator: Callable[[str], bool],
    generator: Callable[[random.Random, str], str],
    checksummed: bool,
) -> Check:
    return Check(_safe(validator), generator, checksummed)


CHECKS: Mapping[str, Check] = {
    # The CRC leaves out the prefix, so ghp_ -> gho_ gives another valid token; every other
    # single-character change fails.
    "github_crc32": _check(validate_github, generate_github, True),
    "npm_crc32": _check(validate_npm, generate_npm, True),
    "gitlab_routable_crc": _check(validate_gitlab, generate_gitlab, True),
    "atlassian_crc32": _check(validate_atlassian, generate_atlassian, True),
    "grafana_glsa": _check(validate_grafana, generate_grafana, True),
    "age_bech32": _check(validate_age, generate_age, True),
    "pgp_crc24": _check(validate_pgp, generate_pgp, False),
    "pypi_macaroon": _check(validate_pypi, generate_pypi, False),
    "aws_key_id": _check(validate_aws, generate_aws, False),
    "jwt": _check(validate_jwt, generate_jwt, False),
    "jwk_private": _check(validate_jwk_private, generate_jwk_private, False),
    "private_key": _check(validate_private_key, generate_private_key, False),
    "discord_bot": _check(validate_discord, generate_discord, False),
    "openai_marker": _check(validate_openai, generate_openai, False),
    "azure_storage_key": _check(validate_azure_storage, generate_azure_storage, False),
    "anthropic_key": _check(validate_anthropic, generate_anthropic, False),
    "telegram_bot": _check(validate_telegram, generate_telegram, False),
    "sentry_org_token": _check(validate_sentry, generate_sentry, False),
    "slack_token": _check(validate_slack, generate_slack, False),
    "nostr_nsec": _check(validate_nostr, generate_nostr, True),
    # Base58Check: a single change slips past the 32-bit hash with probability 2**-32.
    "bitcoin_wif": _check(validate_wif, generate_wif, True),
    "bip32_xprv": _check(validate_xprv, generate_xprv, True),
    "gcp_service_account": _check(validate_gcp_sa, generate_gcp_sa, False),
}


def validate(name: str, secret: str) -> bool:
    """CHECKS[name].validate(secret); False for an unknown name or any malformed input (every
    check's validator is wrapped by `_safe`, so it never raises: the hook must never crash on a
    hostile file)."""
    check = CHECKS.get(name)
    return check is not None and check.validate(secret)
