"""Published fingerprints (version 2): a slow, salted derivation for guessable secrets, fast only
for checksummed provider tokens, an optional organisation key, and each derived once a run."""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pat_scan import fingerprints, kdf
from tests.helpers import commit_files, git, token

PASSWORD = "Summer2024!x"  # what a dictionary holds
LINE = f'db_password = "{PASSWORD}"\n'


def slow(rule_id: str, secret: str) -> str:
    """Version 2 for a guessable secret, as documented: scrypt N=2**10, r=8, p=1, salted by the
    rule id, 16 bytes."""
    salt = b"pat-scan/v2\0" + rule_id.encode()
    return hashlib.scrypt(secret.encode(), salt=salt, n=2**10, r=8, p=1, dklen=16).hex()


@pytest.fixture
def derivations(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bytes]]:
    """Each secret the real slow derivation is run on from now on (a fresh derivation cache)."""
    seen: list[bytes] = []
    real = kdf.stretch

    def counted(data: bytes, salt: bytes, size: int = 32) -> bytes:
        seen.append(data)
        return real(data, salt, size)

    monkeypatch.setattr(kdf, "stretch", counted)
    fingerprints._derived.clear()
    yield seen
    fingerprints._derived.clear()


def test_a_guessable_secret_gets_a_slow_salted_fingerprint_everywhere(repo: Path, cli: Any) -> None:
    """Version 1 (sha256 of rule and secret) let a dictionary of 11k guesses recover passwords
    from a committed baseline in 0.01 s."""
    (repo / "settings.py").write_text(LINE)
    report = cli("scan", "--format", "json", cwd=repo).json()
    (finding,) = report["findings"]
    expected = slow(finding["rule_id"], PASSWORD)
    assert finding["fingerprint"] == expected
    legacy = hashlib.sha256(f"pat-scan\0{finding['rule_id']}\0{PASSWORD}".encode()).hexdigest()
    assert expected != legacy[:32]
    assert cli("baseline", "create", cwd=repo).code == 0
    baseline = json.loads((repo / ".pat-scan-baseline.json").read_text())
    assert baseline["version"] == 2 and baseline["fingerprints"] == "2"
    assert [e["fingerprint"] for e in baseline["entries"]] == [expected]
    sarif = json.loads(cli("scan", "--format", "sarif", "--show-suppressed", cwd=repo).out)
    (result,) = sarif["runs"][0]["results"]
    assert result["partialFingerprints"]["patScanSecretHash/v2"] == expected
    assert "patScanSecretHash/v1" not in result["partialFingerprints"]


def test_checksummed_provider_tokens_take_the_fast_path(
    repo: Path, cli: Any, derivations: list[bytes]
) -> None:
    secret = token()
    (repo / "app.py").write_text(f"TOKEN = '{secret}'\n")
    (finding,) = cli("scan", "--format", "json", cwd=repo).json()["findings"]
    message = f"pat-scan/v2 token\0{finding['rule_id']}\0{secret}".encode()
    assert finding["fingerprint"] == hashlib.sha256(message).hexdigest()[:32]
    assert derivations == []
    # the same shape with a failing checksum is a typed string: the slow path
    fake = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert fingerprints.identity("github-pat-classic", fake) == slow("github-pat-classic", fake)
    assert derivations == [fake.encode()]


def test_each_finding_is_derived_once_however_many_stages_ask(
    repo: Path, cli: Any, derivations: list[bytes]
) -> None:
    (repo / "settings.py").write_text(LINE + f'other_password = "{PASSWORD}"\n')
    assert cli("baseline", "create", cwd=repo).code == 0
    assert derivations == [PASSWORD.encode()]  # two findings, one rule and secret
    derivations.clear()
    fingerprints._derived.clear()  # a new run
    result = cli("scan", "--format", "sarif", "--show-suppressed", cwd=repo)
    assert result.code == 0
    assert derivations == [PASSWORD.encode()]  # baseline, SARIF results and suppressions


def test_the_organisation_key_makes_fingerprints_unrecoverable_without_it(
    repo: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "settings.py").write_text(LINE)
    key = "k3y-from-the-ci-secret-store-" + token(seed=8)[4:20]
    monkeypatch.setenv("PAT_SCAN_FINGERPRINT_KEY", key)
    (finding,) = cli("scan", "--format", "json", cwd=repo).json()["findings"]
    unkeyed = bytes.fromhex(slow(finding["rule_id"], PASSWORD))
    keyed = hmac.new(key.encode(), b"pat-scan/v2 keyed\0" + unkeyed, "sha256").hexdigest()[:32]
    assert finding["fingerprint"] == keyed
    assert cli("baseline", "create", cwd=repo).code == 0
    baseline = json.loads((repo / ".pat-scan-baseline.json").read_text())
    key_id = hmac.new(key.encode(), b"pat-scan fingerprint key id", "sha256").hexdigest()[:8]
    assert baseline["fingerprints"] == f"2+key:{key_id}"
    assert key not in json.dumps(baseline)
    assert cli("scan", cwd=repo).code == 0
    monkeypatch.delenv("PAT_SCAN_FINGERPRINT_KEY")
    without = cli("scan", cwd=repo)
    assert without.code == 1  # fails closed: the entries cannot match
    assert f"key id {key_id}" in without.err and "cannot match" in without.err


def test_the_history_store_keeps_version_2_fingerprints_per_key(
    repo: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit_files(repo, {"settings.py": LINE})
    store = Path(git(repo, "rev-parse", "--git-common-dir").stdout.strip())
    store = (repo / store).resolve() / "pat-scan" / "history.sqlite"

    def stored() -> list[str]:
        with sqlite3.connect(store) as db:
            return [row[0] for row in db.execute("SELECT fingerprint FROM findings")]

    (finding,) = cli("history", "--incremental", "--format", "json", cwd=repo).json()["findings"]
    assert stored() == [slow(finding["rule_id"], PASSWORD)] == [finding["fingerprint"]]
    monkeypatch.setenv("PAT_SCAN_FINGERPRINT_KEY", "another-organisation-key-0123456789")
    (keyed,) = cli("history", "--incremental", "--format", "json", cwd=repo).json()["findings"]
    assert keyed["fingerprint"] != finding["fingerprint"]
    assert stored() == [keyed["fingerprint"]]  # rebuilt under the key, not served stale


def test_fingerprints_derived_ahead_in_threads_are_the_ones_asked_for_later(
    derivations: list[bytes],
) -> None:
    """A report derives its findings' fingerprints at once, on every core: each distinct
    guessable secret once, and the same fingerprint a one-by-one derivation gives."""
    pairs = [("generic-password", f"hunter{n}") for n in range(12)]
    fingerprints.derive_ahead(pairs + pairs[:5])
    assert sorted(derivations) == sorted(secret.encode() for _, secret in pairs)
    ahead = [fingerprints.identity(*pair) for pair in pairs]
    assert len(derivations) == len(pairs)  # asked for again: nothing derived twice
    fingerprints._derived.clear()
    assert ahead == [fingerprints.identity(*pair) for pair in pairs]
