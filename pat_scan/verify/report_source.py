"""Findings of an earlier JSON report, with their secrets read again from the file, blob or
commit message each one names: the report itself holds no secret.

The place a finding names (path, line, column, end_line, end_column) is read first; when the
text there does not hash to the finding's fingerprint (an encoded or notebook finding, or a
file that changed), the whole content is scanned again and the finding with that fingerprint
is taken. A secret that cannot be found again leaves the finding without one: it is still
reported, as not verifiable, never dropped."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from pat_scan import git
from pat_scan.engine import Matcher
from pat_scan.errors import GitError, UsageError
from pat_scan.findings import (
    IN_FILE,
    MESSAGE_PATH,
    Commit,
    Finding,
    InCommit,
    InMessage,
    Origin,
    redact,
)
from pat_scan.fingerprints import identity, legacy_identity
from pat_scan.rules import Rule

REQUIRED = ("rule_id", "path", "line", "column", "end_line", "end_column", "fingerprint")


class Reread(NamedTuple):
    finding: Finding  # with its secret, or `stored` set and no secret when `missing`
    missing: str | None = None  # why the secret could not be read again


def load(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the report: {exc.strerror}") from None
    except ValueError:
        raise UsageError(f"{path}: not a JSON report of pat-scan (--format json)") from None
    findings = document.get("findings") if isinstance(document, dict) else None
    if not isinstance(findings, list):
        raise UsageError(f"{path}: not a JSON report of pat-scan: no 'findings' list")
    for number, item in enumerate(findings, 1):
        absent = [k for k in REQUIRED if not isinstance(item, dict) or k not in item]
        if absent:
            raise UsageError(f"{path}: finding {number} lacks {', '.join(absent)}")
    return dict(document)


def reread(
    items: Sequence[Mapping[str, Any]],
    root: Path,
    rules: Mapping[str, Rule],
    matcher: Callable[[], Matcher],
) -> list[Reread]:
    """Each finding of the report, rebuilt with its secret where it can be found again."""
    contents: dict[tuple[str, str], bytes | str] = {}  # (source, path) -> bytes or why not
    found: list[Reread] = []
    for item in items:
        rule = rules.get(str(item["rule_id"])) or _unknown_rule(item)
        key = _source(item)
        if key not in contents:
            contents[key] = _read(root, key)
        data = contents[key]
        base = _finding(item, rule)
        if isinstance(data, str):
            found.append(Reread(base, data))
            continue
        secret, line_text = _secret(data, item, rule, matcher)
        if secret is None:
            where = f"{item['path']}:{item['line']}"
            found.append(Reread(base, f"{where} no longer holds this secret"))
        else:
            found.append(Reread(base._replace(secret=secret, stored=None, line_text=line_text)))
    return found


def _finding(item: Mapping[str, Any], rule: Rule) -> Finding:
    """The report's finding, without its secret until one is read (`stored` keeps identity)."""
    return Finding(
        rule=rule,
        path=str(item["path"]),
        line=int(item["line"]),
        column=int(item["column"]),
        end_line=int(item["end_line"]),
        end_column=int(item["end_column"]),
        secret=_preview(item),
        confidence=str(item.get("confidence", "high")),
        line_text="",
        origin=_origin(item),
        note=item.get("note"),
        stored=str(item["fingerprint"]),
    )


def _preview(item: Mapping[str, Any]) -> str:
    """The report's redacted secret; a report made with --redact none is redacted here."""
    shown = str(item.get("secret", "…"))
    return shown if item.get("redacted", True) else redact(shown)


def _origin(item: Mapping[str, Any]) -> Origin:
    """Where the report says the finding was made. Reads schema version 2 (booleans and
    integers) and version 1 (the same as strings)."""
    commit = item.get("commit")
    if not isinstance(commit, dict) or not commit.get("sha"):
        return IN_FILE
    made_in = Commit(
        str(commit["sha"]),
        *(_text(commit.get(key)) for key in ("author", "email", "date")),
    )
    at_head = commit.get("present_at_head")
    occurrences = commit.get("occurrences")
    kind = InMessage if item.get("path") == MESSAGE_PATH else InCommit
    return kind(
        made_in,
        None if at_head is None else at_head in (True, "true"),
        None if occurrences is None else int(occurrences),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _source(item: Mapping[str, Any]) -> tuple[str, str]:
    """Where the content is: ('file', path), ('blob', id or 'sha:path') or ('message', sha)."""
    commit = item.get("commit")
    path = str(item["path"])
    if isinstance(commit, dict) and commit.get("sha"):
        if path == MESSAGE_PATH:
            return "message", str(commit["sha"])
        blob = commit.get("blob") or item.get("blob")
        return "blob", str(blob) if blob else f"{commit['sha']}:{path}"
    if item.get("blob"):
        return "blob", str(item["blob"])
    return "file", path


def _read(root: Path, key: tuple[str, str]) -> bytes | str:
    """The content, or a short reason it cannot be read."""
    kind, name = key
    if kind == "file":
        if name == "-":
            return "standard input cannot be read again"
        try:
            return (root / name).read_bytes()
        except OSError as exc:
            return f"{name}: {exc.strerror}"
    try:
        if kind == "message":
            raw = git.run(["cat-file", "commit", name], cwd=root)
            return raw.split(b"\n\n", 1)[1] if b"\n\n" in raw else b""
        return git.run(["cat-file", "blob", name], cwd=root)
    except GitError:
        return f"{name}: not in the repository at {root}"


def _secret(
    data: bytes, item: Mapping[str, Any], rule: Rule, matcher: Callable[[], Matcher]
) -> tuple[str | None, str]:
    """(the secret whose identity is the finding's fingerprint, its line's text). A report
    made before fingerprints version 2 is matched by the version 1 fingerprint."""
    fingerprint = str(item["fingerprint"])

    def same(rule_id: str, secret: str) -> bool:
        if legacy_identity(rule_id, secret) == fingerprint:  # cheap: an old report pays no more
            return True
        return identity(rule_id, secret) == fingerprint

    text = data.decode("utf-8", "replace")
    lines = text.split("\n")
    line, end_line = int(item["line"]), int(item["end_line"])
    if 1 <= line <= end_line <= len(lines):
        start = sum(len(x) + 1 for x in lines[: line - 1]) + int(item["column"]) - 1
        end = sum(len(x) + 1 for x in lines[: end_line - 1]) + int(item["end_column"]) - 1
        candidate = text[start:end]
        if same(rule.id, candidate):
            return candidate, lines[line - 1]
    if not rule.regex:  # a rule this installation does not have: cannot scan again
        return None, ""
    from pat_scan.content import scan_bytes

    path = str(item["path"])
    for finding in scan_bytes(matcher(), data, path if path != MESSAGE_PATH else "message"):
        if same(finding.rule.id, finding.secret):
            return finding.secret, finding.line_text
    return None, ""


def _unknown_rule(item: Mapping[str, Any]) -> Rule:
    """A stand-in for a rule from a pack this run was not given: reported, never rescanned."""
    return Rule(
        id=str(item["rule_id"]),
        name=str(item.get("rule_name", item["rule_id"])),
        description="",
        severity=str(item.get("severity", "high")),
        keywords=(),
        regex="",
        remediation="",
        pack="report",
        source="",
        max_width=0,
    )
