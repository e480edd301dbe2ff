"""What a fleet run writes: a JSON document streamed as repositories finish (schema in
fleet-schema.json; each finding is a finding of the scan report's schema), one SARIF file per
repository for code scanning, and a text summary read back from the inventory at the end. None
of them holds more than one repository's findings, or one secret's locations, at a time, and
none holds a secret: findings carry the redacted preview only."""

from __future__ import annotations

import itertools
import json
import os
import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from pat_scan import __version__
from pat_scan.findings import Finding
from pat_scan.fleet import work
from pat_scan.fleet.inventory import Inventory, Place
from pat_scan.fleet.repos import Repo, is_url, slug
from pat_scan.fleet.run import Summary
from pat_scan.fleet.work import FAILED, Outcome
from pat_scan.reporters import Report
from pat_scan.results import Policy, Result
from pat_scan.rules import Rule

SCHEMA_VERSION = 1
SCHEMA_FILE = Path(__file__).with_name("fleet-schema.json")  # shipped in the wheel
SHOWN_LOCATIONS = 10  # per secret in the text summary; JSON has them all
SHOWN_FAILURES = 50  # failed repositories named in the text summary


def result_of(findings: Sequence[Finding]) -> Result:
    result = Result()
    result.findings = list(findings)
    return result


class JsonStream:
    """The JSON document, written as the run goes: its `repositories` array one element a
    repository, then `secrets` and `coverage` from the inventory."""

    def __init__(self, out: TextIO, policy: Policy, driver: str, since_inventory: bool) -> None:
        self.out = out
        self.policy = policy
        self.since_inventory = since_inventory
        self._first = True
        head = {
            "version": SCHEMA_VERSION,
            "tool": {"name": "pat-scan", "version": __version__},
            "driver": driver,
            "since_inventory": since_inventory,
        }
        out.write(json.dumps(head)[:-1] + ', "repositories": [')
        out.flush()

    def repository(self, repo: Repo, outcome: Outcome, findings: Sequence[Finding]) -> None:
        from pat_scan.reporters import json_report

        document = json_report.document(Report(result_of(findings), self.policy))
        entry = {
            "name": repo.name,
            "location": repo.key,
            "outcome": outcome.status,
            "reason": outcome.reason,
            "detail": outcome.detail,
            "attempts": outcome.attempt,
            "seconds": round(outcome.seconds, 3),
            "refs": len(outcome.heads),
            "worker": outcome.worker,
            "findings": document["findings"],
        }
        self.out.write(("\n" if self._first else ",\n") + json.dumps(entry))
        self._first = False
        self.out.flush()

    def finish(self, inventory: Inventory, summary: Summary, rules: dict[str, Rule]) -> None:
        out = self.out
        out.write('\n], "secrets": [')
        for n, secret in enumerate(inventory.secrets(self.since_inventory)):
            head = {
                "fingerprint": secret.fingerprint,
                "rule_id": secret.rule_id,
                "secret": secret.preview,
                "repositories": secret.repositories,
            }
            out.write(("\n" if n == 0 else ",\n") + json.dumps(head)[:-1] + ', "locations": [')
            places = inventory.locations(secret.fingerprint, self.since_inventory)
            for i, place in enumerate(places):
                found = work.finding(place.found, rules[place.found.rule_id])
                out.write(("" if i == 0 else ", ") + json.dumps(_location(place, found)))
            out.write("]}")
        tail = {
            "coverage": _coverage(inventory, summary),
            "stats": {
                "findings": summary.findings,
                "blocking": summary.blocking,
                "interrupted": summary.interrupted,
            },
        }
        out.write("\n], " + json.dumps(tail)[1:] + "\n")
        out.flush()


def _location(place: Place, finding: Finding) -> dict[str, Any]:
    commit = finding.commit
    return {
        "repository": place.name,
        "path": finding.path,
        "line": finding.line,
        "commit": commit.sha if commit else None,
        "new": place.new,
    }


def _coverage(inventory: Inventory, summary: Summary) -> dict[str, Any]:
    failures: dict[str, int] = {}
    for count in inventory.coverage():
        if count.outcome == FAILED:
            failures[count.reason or "unknown"] = count.repositories
    return {
        "planned": summary.planned,
        "scanned": summary.scanned,
        "unchanged": summary.unchanged,
        "failed": summary.failed,
        "not_reached": summary.planned - summary.scanned - summary.unchanged - summary.failed,
        "failures": failures,
    }


class SarifFiles:
    """One SARIF file per repository, `DIR/<name>.sarif` (a name's slashes make folders), for
    upload to that repository's code scanning. A repository that could not be scanned gets no
    file: an empty one would look clean."""

    def __init__(self, folder: Path, policy: Policy) -> None:
        self.folder = folder
        self.policy = policy
        folder.mkdir(parents=True, exist_ok=True)

    def repository(self, repo: Repo, outcome: Outcome, findings: Sequence[Finding]) -> None:
        if outcome.status == FAILED:
            return
        from pat_scan.reporters import sarif

        document = sarif.document(Report(result_of(findings), self.policy, kind="history"))
        run = document["runs"][0]
        root = {"description": {"text": f"The root of the repository {repo.name}."}}
        run["originalUriBaseIds"] = {sarif.SRCROOT: root}
        uri = _repository_uri(repo.key)
        if uri is not None:
            run["versionControlProvenance"] = [{"repositoryUri": uri}]
        path = self.path(repo.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".tmp")
        with open(partial, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(document, ensure_ascii=False) + "\n")  # compact: fast
        os.replace(partial, path)

    def path(self, name: str) -> Path:
        parts = [slug(part) for part in name.split("/") if part]
        return self.folder.joinpath(*parts[:-1], (parts[-1] if parts else "repo") + ".sarif")


def _repository_uri(key: str) -> str | None:
    if not is_url(key):
        return Path(key).as_uri()
    return key if "://" in key else None  # user@host:path is not a URI


def write_text(
    out: TextIO,
    inventory: Inventory,
    summary: Summary,
    policy: Policy,
    rules: dict[str, Rule],
    driver: str,
    since_inventory: bool,
) -> None:
    """The secrets (most widespread first, each with where it is), what to do, the coverage."""
    shown_rules: dict[str, Rule] = {}
    secrets = 0
    for secret in inventory.secrets(since_inventory):
        secrets += 1
        every = inventory.locations(secret.fingerprint, since_inventory)
        places = list(itertools.islice(every, SHOWN_LOCATIONS))
        found = [work.finding(place.found, rules[secret.rule_id]) for place in places]
        rule = rules[secret.rule_id]
        blocks = any(policy.blocks(f) for f in found)
        shown_rules.setdefault(rule.id, rule)
        where = (
            "1 repository" if secret.repositories == 1 else f"{secret.repositories} repositories"
        )
        quiet = "" if blocks else ", not blocking"
        out.write(
            f"{rule.id} {rule.name}: {secret.preview} [{rule.severity}, "
            f"{found[0].confidence} confidence{quiet}] in {where}:\n"
        )
        for place, finding in zip(places, found, strict=True):
            out.write(f"  {place.name}: {_where(finding)}\n")
        if secret.repositories > len(places):
            more = secret.repositories - len(places)
            out.write(f"  … and {more} more repositories (--format json lists them all)\n")
    if shown_rules:
        out.write("\n" + _advice(shown_rules.values()) + "\n")
    out.write("\n" + _coverage_table(inventory, summary, driver) + "\n")
    out.write(_last_line(summary, secrets, since_inventory) + "\n")


def _where(finding: Finding) -> str:
    text = f"{finding.path}:{finding.line}:{finding.column}"
    commit = finding.commit
    if commit is None:
        return text
    text += f" in commit {commit.sha[:12]}"
    if commit.date:
        text += f" ({commit.date[:10]})"
    at_head = getattr(finding.origin, "at_head", None)
    return text + (", still at HEAD" if at_head else "")


def _advice(rules: Iterable[Rule]) -> str:
    lines = [
        "What to do:",
        "  1. Revoke and rotate each secret: it stays in the history of every clone and fork,",
        "     so revoking it is what makes it harmless.",
    ]
    for rule in sorted(rules, key=lambda r: r.id):
        remediation = f"- {rule.id}: " + " ".join(rule.remediation.split())
        lines += textwrap.wrap(
            remediation, 100, initial_indent="     ", subsequent_indent="       "
        )
    lines += [
        "  2. Remove it from the code still in use, and load the new value from the environment",
        "     or a secret manager at run time.",
    ]
    return "\n".join(lines)


def _coverage_table(inventory: Inventory, summary: Summary, driver: str) -> str:
    lines = [f"Coverage ({summary.planned} repositories, {driver}):"]
    lines.append(f"  scanned    {summary.scanned:>6}")
    lines.append(f"  unchanged  {summary.unchanged:>6}  (nothing new since the last scan)")
    lines.append(f"  failed     {summary.failed:>6}")
    for count in inventory.coverage():
        if count.outcome == FAILED:
            lines.append(f"    {count.reason}: {count.repositories}")
    for n, (name, reason, detail) in enumerate(inventory.failures()):
        if n == SHOWN_FAILURES:
            lines.append(f"  … and {summary.failed - n} more (--format json lists them all)")
            break
        lines.append(f"  ✗ {name}: {reason}: {detail}")
    missing = summary.planned - summary.scanned - summary.unchanged - summary.failed
    if missing:
        lines.append(f"  not reached {missing:>5}  (interrupted: run again to resume)")
    return "\n".join(lines)


def _last_line(summary: Summary, secrets: int, since_inventory: bool) -> str:
    new = " new" if since_inventory else ""
    covered = summary.scanned + summary.unchanged
    text = (
        f"pat-scan: {secrets}{new} secret(s) in {summary.findings} location(s); "
        f"{covered} of {summary.planned} repositories covered"
    )
    if summary.failed:
        text += f", {summary.failed} could not be scanned"
    if summary.interrupted:
        text += ", interrupted"
    return text
