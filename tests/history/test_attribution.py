"""Each secret once, at its first commit: which member of a group is kept and what its origin
says (commit, whether HEAD still holds it, how many file versions and messages hold it)."""

from __future__ import annotations

from pat_scan.findings import InCommit, InMessage
from pat_scan.history.attribution import Origins, unique
from pat_scan.history.store import Intro
from tests.helpers import make_finding, make_rule, token

RULE = make_rule("acme-key", "high")


def intro(sha: str, time: int, path: str) -> Intro:
    return Intro(sha * 40, "A. Author", "a@example.invalid", time, f"2024-01-0{time}", path)


def test_the_earliest_commit_wins_and_every_source_counts() -> None:
    secret = token(seed=1)
    sources = [
        ("blob-new", [make_finding(RULE, "new.py", 3, secret)]),
        ("blob-old", [make_finding(RULE, "old.py", 7, secret)]),
        ("c" * 40, [make_finding(RULE, "(commit message)", 1, secret)]),
    ]
    intros = {
        "blob-new": intro("b", 5, "new.py"),
        "blob-old": intro("a", 2, "src/old.py"),
        "c" * 40: intro("c", 9, "(commit message)"),
    }
    [kept] = unique(sources, Origins(intros, {"blob-new"}, {"c" * 40}), suppressed=False)
    assert kept.path == "src/old.py" and kept.line == 7  # the path the first commit gave it
    assert kept.origin == InCommit(kept.origin.commit, at_head=True, occurrences=3)
    assert kept.origin.commit.sha == "a" * 40 and kept.origin.commit.date == "2024-01-02"


def test_a_secret_first_seen_in_a_message_is_a_message_finding() -> None:
    secret = token(seed=2)
    message = "d" * 40
    sources = [(message, [make_finding(RULE, "(commit message)", 2, secret)])]
    origins = Origins({message: intro("d", 1, "(commit message)")}, set(), {message})
    [kept] = unique(sources, origins, suppressed=False)
    assert isinstance(kept.origin, InMessage)
    assert kept.origin.at_head is False and kept.origin.occurrences == 1


def test_reported_and_suppressed_are_kept_apart_and_sorted() -> None:
    first, second = token(seed=3), token(seed=4)
    sources = [
        ("x", [make_finding(RULE, "b.py", 1, first), make_finding(RULE, "b.py", 9, second)]),
        ("y", [make_finding(RULE, "a.py", 5, second, suppressed="stopword")]),
    ]
    intros = {"x": intro("e", 1, "b.py"), "y": intro("f", 2, "a.py")}
    origins = Origins(intros, set(), set())
    assert [(f.path, f.line) for f in unique(sources, origins, suppressed=False)] == [
        ("b.py", 1),
        ("b.py", 9),
    ]
    assert [(f.path, f.suppressed) for f in unique(sources, origins, suppressed=True)] == [
        ("a.py", "stopword")
    ]


def test_a_source_without_an_intro_keeps_the_finding_as_it_was() -> None:
    finding = make_finding(RULE, "lost.py", 4, token(seed=5))
    [kept] = unique([("z", [finding])], Origins({}, set(), set()), suppressed=False)
    assert kept == finding
