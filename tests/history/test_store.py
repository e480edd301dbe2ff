"""The history store's look-ups: stored findings by source, blobs scanned before."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from pat_scan.history.store import Store, Stored
from tests.helpers import commit_files


def _row(rng: random.Random, n: int) -> Stored:
    return Stored(f"rule-{rng.randrange(5)}", f"fp{n}", "ghp_", n, 1, n, 9, "high", None, None)


def _whole_table(store: Store, sources: set[str]) -> dict[str, list[Stored]]:
    """What `findings` returned when it read the whole table and kept the wanted sources."""
    found: dict[str, list[Stored]] = {}
    for source, *fields in store._db.execute(
        "SELECT source, rule_id, fingerprint, prefix, line, col, end_line, end_col,"
        " confidence, suppressed, why_low FROM findings"
    ):
        if source in sources:
            found.setdefault(source, []).append(Stored(*fields))
    return found


def test_findings_by_source_match_a_scan_of_the_whole_table(tmp_path: Path) -> None:
    rng = random.Random(7)
    store = Store(tmp_path / "history.sqlite", "key")
    sources = [f"{rng.getrandbits(160):040x}" for _ in range(1300)]
    # Sources added in several rounds, interleaved, so rowid order is not source order.
    for n in range(3000):
        store.add_findings(rng.choice(sources), [_row(rng, n)])
    store.commit()
    for wanted in ([], sources[:3], sources, rng.sample(sources, 1100) + ["absent"] * 3):
        got = store.findings(iter(wanted + wanted[:10]))  # a generator, with repeats
        expected = _whole_table(store, set(wanted))
        assert got == expected
        assert list(got) == list(expected)  # the same order of sources, too
    store.close()


def test_findings_are_looked_up_through_the_source_index(tmp_path: Path) -> None:
    store = Store(tmp_path / "history.sqlite", "key")
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)
    store.findings(["a", "b"])
    store._db.set_trace_callback(None)
    (query,) = [s for s in statements if "FROM findings" in s]
    plan = store._db.execute("EXPLAIN QUERY PLAN " + query).fetchall()
    assert any("findings_source" in row[-1] for row in plan), plan
    store.close()


def test_known_blobs_are_looked_up_in_batches(tmp_path: Path) -> None:
    """Which of the listed blobs were scanned before, however many are asked at once."""
    rng = random.Random(3)
    store = Store(tmp_path / "history.sqlite", "key")
    scanned = [f"{rng.getrandbits(160):040x}" for _ in range(1200)]
    store.add_blobs((oid, None) for oid in scanned)
    store.commit()
    new = [f"{rng.getrandbits(160):040x}" for _ in range(700)]
    asked = rng.sample(scanned, 900) + new
    rng.shuffle(asked)
    assert store.known_blobs(asked) == set(asked) - set(new)
    assert store.known_blobs([]) == set()
    store.close()


def test_a_directory_in_the_stores_place_is_a_clear_error(repo: Path, cli: Any) -> None:
    commit_files(repo, {"a.txt": "nothing\n"})
    place = repo / ".git" / "pat-scan" / "history.sqlite"
    place.mkdir(parents=True)
    (place / "mine.txt").write_text("not pat-scan's")
    result = cli("history", "--incremental", cwd=repo)
    assert result.code == 3
    assert result.err.startswith("pat-scan: error: ") and "is a directory" in result.err
    assert "internal error" not in result.err and "Traceback" not in result.err
    assert (place / "mine.txt").read_text() == "not pat-scan's"
    assert cli("history", cwd=repo).code == 0  # without the store
