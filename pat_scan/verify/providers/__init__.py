"""Providers: which rules each can check, where, and how the credential is revoked.

Each module makes one read-only identity call (or, for PyPI, none) and turns the answer into a
`Verification`. A provider never sees more than the one secret it checks.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from pat_scan.verify import record
from pat_scan.verify.record import Verification

if TYPE_CHECKING:
    from pat_scan.verify.http import Client, Reply
    from pat_scan.verify.settings import Settings


class Probe(NamedTuple):
    secret: str
    rule_id: str
    base_url: str  # the provider's API root, without a trailing slash
    client: Client | None  # None for offline providers and those with a client of their own
    settings: Settings
    partner: str | None = None  # a second secret the check needs (AWS: the secret access key)


class Provider(NamedTuple):
    name: str
    rules: frozenset[str]
    default_url: str
    check: Callable[[Probe], Verification]
    revoke_at: Callable[[str, str], str]  # (rule id, base URL) -> revocation URL or command
    http: bool = True  # asks through the shared HTTP client (PyPI is offline, AWS uses botocore)


@functools.cache
def registry() -> dict[str, Provider]:
    """Rule id -> provider."""
    from pat_scan.verify.providers import (
        aws,
        digitalocean,
        github,
        gitlab,
        huggingface,
        npm,
        openai,
        pypi,
        sendgrid,
        slack,
        stripe,
    )

    modules = (github, gitlab, npm, slack, openai, stripe, sendgrid, huggingface, digitalocean)
    providers = [m.PROVIDER for m in (*modules, pypi, aws)]
    return {rule_id: p for p in providers for rule_id in p.rules}


def for_rule(rule_id: str) -> Provider | None:
    return registry().get(rule_id)


def unexpected(reply: Reply, what: str = "") -> Verification:
    """An answer the provider's documentation does not describe for this call."""
    detail = f"HTTP {reply.status}" + (f": {what}" if what else "")
    return record.unknown(record.UNEXPECTED, detail)


def malformed(reply: Reply) -> Verification:
    return record.unknown(record.UNEXPECTED, f"HTTP {reply.status} with a malformed body")


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", "Accept": "application/json"}


def text(value: object) -> str:
    """A provider's value as display text (ids may be numbers)."""
    return "" if value is None else str(value)


def identity(**values: object) -> dict[str, str]:
    """The identity fields that have a value."""
    return {key: text(v) for key, v in values.items() if v not in (None, "")}
