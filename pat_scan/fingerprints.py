"""A finding's published fingerprint: its identity (rule and secret) as baselines, JSON and
SARIF reports, the history store and the verification cache show it. It must identify a
secret without letting anyone who reads it recover the secret.

Version 1 was sha256("pat-scan\\0rule\\0secret")[:32]: even Python tries 436,000 guesses a
second on one core (a GPU, billions), so a dictionary of 11,000 passwords recovered two from a
committed baseline in 0.01 s. Version 2 (this module):

- **Guessable secrets** (passwords, generic keys, anything without a provider's checksum): 16
  bytes of scrypt (`kdf.stretch`, N=2**10, r=8, p=1, 1 MiB a guess) of the secret, salted by
  the rule id, so a dictionary has to be run per rule at about 3 ms a guess: 311 guesses a
  second on one core here (`benchmarks/fingerprint_cost.py`), under the 1,000 a second
  promised, and memory-hard against GPUs.
- **Provider tokens whose checksum holds** (`UNGUESSABLE`): SHA-256, as fast as before. Such a
  token is made by its provider's random generator: at least 128 random bits (GitLab's routable
  tokens: 16 random bytes; GitHub and npm: 30 base62 characters, 178 bits; Grafana: 32, 190
  bits; Atlassian: 171 base64url characters), so even 10**12 guesses a second would need more
  than 10**19 years for one. Its checksum proves it was generated, not typed: a chosen string
  passes a CRC-32 once in 4 billion. Tokens from key material that a person may derive from a
  passphrase (Bitcoin WIF and BIP32 keys, nostr and age keys) are not on this list: brain
  wallets are guessable, so they take the slow path like a password.
- **An organisation key** (`KEY_VARIABLE`, any string, best 32 random characters or more, kept
  in the CI secret store): when set, every fingerprint is HMAC-SHA-256 of the above under it,
  so nobody without the key can test a single guess. Baselines and history stores record which
  key (an 8-hex-digit key id, never the key) made their fingerprints.

Fingerprints are derived once per distinct (rule, secret) in a run (`identity` is cached), so
the cost is paid per finding, never per scanned byte: a commit with no finding pays nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable

VERSION = 2
KEY_VARIABLE = "PAT_SCAN_FINGERPRINT_KEY"
# Validators (pat_scan.validators) whose tokens are provider-generated, checksummed and carry
# at least 128 random bits: for these a fast hash leaves a dictionary nothing to find.
UNGUESSABLE = (
    "github_crc32",
    "npm_crc32",
    "gitlab_routable_crc",
    "atlassian_crc32",
    "grafana_glsa",
)


def identity(rule_id: str, secret: str) -> str:
    """The version 2 fingerprint of `secret` found by rule `rule_id` (32 hex digits)."""
    return _derive(rule_id, secret, os.environ.get(KEY_VARIABLE, ""))


def derive_ahead(pairs: Iterable[tuple[str, str]]) -> None:
    """Derive the fingerprints of many (rule id, secret) pairs now, in threads, before a
    report asks for them one by one: scrypt runs in OpenSSL without the GIL, so a report of
    hundreds of guessable findings waits for them on every core (300 took 0.85 s on one of
    two cores, 0.50 s on both)."""
    key = os.environ.get(KEY_VARIABLE, "")
    missing = list(dict.fromkeys(pair for pair in pairs if (*pair, key) not in _derived))
    if len(missing) < _AHEAD_MIN:
        return
    from concurrent.futures import ThreadPoolExecutor

    from pat_scan import parallel

    with ThreadPoolExecutor(parallel.jobs()) as threads:
        for _ in threads.map(lambda pair: _derive(pair[0], pair[1], key), missing):
            pass


_AHEAD_MIN = 8  # fewer are derived when asked for: threads would cost more than they save


def legacy_identity(rule_id: str, secret: str) -> str:
    """The version 1 fingerprint: computed in memory only, to match version 1 baselines and
    reports, never written again."""
    return hashlib.sha256(f"pat-scan\0{rule_id}\0{secret}".encode()).hexdigest()[:32]


def scheme() -> str:
    """How fingerprints are made in this run: '2', or '2+key:<key id>' with an organisation
    key (baselines and stores made under another scheme cannot match this run's)."""
    key = os.environ.get(KEY_VARIABLE, "")
    return f"{VERSION}+key:{key_id(key)}" if key else str(VERSION)


def key_id(key: str) -> str:
    """A short, one-way name of an organisation key, to tell keys apart in messages."""
    import hmac

    return hmac.new(key.encode(), b"pat-scan fingerprint key id", "sha256").hexdigest()[:8]


def describe(made_by: str) -> str:
    """A scheme, as a message names it."""
    if "+key:" in made_by:
        return f"{KEY_VARIABLE} with key id {made_by.partition('+key:')[2]}"
    return f"no {KEY_VARIABLE}"


_derived: dict[tuple[str, str, str], str] = {}  # each finding's is asked for by every stage


def _derive(rule_id: str, secret: str, key: str) -> str:
    known = _derived.get((rule_id, secret, key))
    if known is None:
        known = _derived[rule_id, secret, key] = _derivation(rule_id, secret, key)
    return known


def _derivation(rule_id: str, secret: str, key: str) -> str:
    if _unguessable(secret):
        digest = hashlib.sha256(f"pat-scan/v2 token\0{rule_id}\0{secret}".encode()).digest()
    else:
        from pat_scan import kdf

        digest = kdf.stretch(secret.encode(), b"pat-scan/v2\0" + rule_id.encode(), 16)
    if key:
        import hmac

        digest = hmac.new(key.encode(), b"pat-scan/v2 keyed\0" + digest, "sha256").digest()
    return digest.hex()[:32]


def _unguessable(secret: str) -> bool:
    from pat_scan.validators import validate

    return any(validate(name, secret) for name in UNGUESSABLE)
