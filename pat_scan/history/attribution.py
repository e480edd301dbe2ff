"""Each secret once, at the first commit that added it: the findings of every blob and message
grouped by identity (rule + secret), the earliest kept, with where it came from. Earliest is by
the history's topology (parents before children), not by dates, which can be equal or wrong."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from pat_scan.findings import Commit, Finding, InCommit, InMessage
from pat_scan.history.store import Intro

Sources = Iterable[tuple[str, list[Finding]]]  # (blob or commit id, its findings)


class Origins(NamedTuple):
    """What attribution needs to know of the history's sources."""

    intros: Mapping[str, Intro]  # blob or commit id -> the first commit that added it
    at_head: set[str]  # blob ids in HEAD's tree
    messages: set[str]  # the sources that are commit messages


def unique(sources: Sources, origins: Origins, suppressed: bool) -> list[Finding]:
    """One finding per identity among the reported (or the suppressed) ones, at its first
    commit, sorted by path, line, rule and date."""
    groups: dict[str, list[tuple[Finding, str]]] = {}
    for source, found in sources:
        for finding in found:
            if (finding.suppressed is not None) == suppressed:
                groups.setdefault(finding.fingerprint, []).append((finding, source))
    kept: list[Finding] = []
    for members in groups.values():
        first, source = min(members, key=lambda member: _order(member, origins.intros))
        intro = origins.intros.get(source)
        if intro is None:
            kept.append(first)
            continue
        commit = Commit(intro.sha, intro.author, intro.email, intro.date)
        at_head = any(s in origins.at_head for _, s in members)
        occurrences = len({s for _, s in members})
        kind = InMessage if source in origins.messages else InCommit
        origin = kind(commit, at_head, occurrences)
        kept.append(first._replace(path=intro.path or first.path, origin=origin))
    kept.sort(key=lambda f: (f.path, f.line, f.rule.id, _date(f)))
    return kept


def _order(member: tuple[Finding, str], intros: Mapping[str, Intro]) -> tuple[int, str, str, int]:
    finding, source = member
    intro = intros.get(source)
    if intro is None:
        return (2**63, "", finding.path, finding.line)
    return (intro.position, intro.sha, intro.path, finding.line)


def _date(finding: Finding) -> str:
    commit = finding.commit
    return commit.date or "" if commit is not None else ""
