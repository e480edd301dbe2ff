"""The inventory: outcomes recorded as they arrive, one secret however many repositories hold
it, what is new to it, exclusive to one run, and never wiped."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pat_scan.errors import UsageError
from pat_scan.findings import identity
from pat_scan.fleet import work
from pat_scan.fleet.inventory import Inventory
from pat_scan.fleet.repos import Repo
from tests.fleet.helpers import assert_nothing_holds, located, scanned, secret_files
from tests.helpers import token

API, WEB = Repo("https://h/org/api.git", "org/api"), Repo("https://h/org/web.git", "org/web")


def test_one_secret_many_locations_and_what_is_new(tmp_path: Path) -> None:
    shared, other, later = token(seed=81), token(seed=82), token(seed=83)
    path = tmp_path / "inventory.sqlite"
    inventory = Inventory(path)
    assert inventory.start("test", 2) == 1
    placed = inventory.record(API, scanned(API, located(shared, "a.py"), located(other, "b.py")))
    assert [(p.name, p.found.path, p.new) for p in placed] == [
        ("org/api", "a.py", True),
        ("org/api", "b.py", True),
    ]
    inventory.record(WEB, scanned(WEB, located(shared, "conf/app.py")))
    secrets = list(inventory.secrets(only_new=False))
    assert [(s.fingerprint, s.repositories) for s in secrets] == [
        (identity("github-pat-classic", shared), 2),
        (identity("github-pat-classic", other), 1),
    ]
    where = inventory.locations(secrets[0].fingerprint, only_new=False)
    assert [(p.name, p.found.path, p.found.at_head) for p in where] == [
        ("org/api", "a.py", True),
        ("org/web", "conf/app.py", True),
    ]
    inventory.finish(interrupted=False)
    inventory.close()

    inventory = Inventory(path)
    inventory.start("test", 2)
    assert inventory.known([API, WEB]) == {API.key: ("d1",), WEB.key: ("d1",)}
    unchanged = work.Outcome(API.key, work.UNCHANGED, digest="d1")
    assert [(p.found.path, p.new) for p in inventory.record(API, unchanged)] == [
        ("a.py", False),
        ("b.py", False),
    ]
    moved = scanned(WEB, located(shared, "conf/app.py"), located(later, "new.py"), digest="d2")
    assert [(p.found.path, p.new) for p in inventory.record(WEB, moved)] == [
        ("conf/app.py", False),
        ("new.py", True),
    ]
    assert [s.repositories for s in inventory.secrets(only_new=True)] == [1]
    assert [p.found.path for s in inventory.secrets(True) for p in inventory.locations(
        s.fingerprint, True)] == ["new.py"]  # fmt: skip
    inventory.close()
    assert_nothing_holds(secret_files(path), [shared, other, later])


def test_a_failure_keeps_what_an_earlier_scan_found_but_reports_none(tmp_path: Path) -> None:
    path = tmp_path / "inventory.sqlite"
    secret = token(seed=84)
    inventory = Inventory(path)
    inventory.start("test", 1)
    inventory.record(API, scanned(API, located(secret, "a.py")))
    inventory.close()
    inventory = Inventory(path)
    inventory.start("test", 1)
    failure = work.Outcome(API.key, work.FAILED, "clone timeout", "stopped after 5 s")
    assert inventory.record(API, failure) == []
    assert inventory.known([API]) == {API.key: ("d1",)}  # still: unchanged if its refs stay
    assert list(inventory.secrets(only_new=False)) == []  # not covered by this run
    assert list(inventory.failures()) == [("org/api", "clone timeout", "stopped after 5 s")]
    assert [(c.outcome, c.reason, c.repositories) for c in inventory.coverage()] == [
        ("failed", "clone timeout", 1)
    ]
    inventory.close()
    rows = sqlite3.connect(path).execute("SELECT count(*) FROM locations").fetchone()
    assert rows == (1,)


def test_one_run_at_a_time_and_never_wiped(tmp_path: Path) -> None:
    path = tmp_path / "inventory.sqlite"
    first = Inventory(path)
    first.start("test", 0)
    with pytest.raises(UsageError, match="in use by another pat-scan fleet run"):
        Inventory(path)
    first.close()
    Inventory(path).close()  # free again

    stranger = tmp_path / "notes.sqlite"
    stranger.write_bytes(b"these are my notes, not a database\n" * 100)
    with pytest.raises(UsageError, match="not a pat-scan inventory"):
        Inventory(stranger)
    assert stranger.read_bytes() == b"these are my notes, not a database\n" * 100

    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    db.commit()
    db.close()
    with pytest.raises(UsageError, match="inventory schema 99; this pat-scan uses 1"):
        Inventory(path)
