"""Other scanners' baselines, read so that `pat-scan baseline import` can accept the same secrets.

- detect-secrets `.secrets.baseline`: JSON whose `results` map a file to entries with the SHA-1
  of the secret (`hashed_secret`) and a `line_number`.
- gitleaks JSON report: a list of findings with `File`, `StartLine` and, unless it was run with
  --redact, `Secret`.
- `.gitleaksignore`: one fingerprint a line, `file:rule:line` or `commit:file:rule:line`.

pat-scan finds its own secrets in the same files and accepts those that the other tool's entry
names: by secret hash where the file records one, else by file and line. Only this one-time
import looks at line numbers; the baseline it writes has none.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import NamedTuple

from pat_scan.errors import UsageError
from pat_scan.findings import Finding
from pat_scan.suppress.baseline import repository_path


class Wanted(NamedTuple):
    kind: str
    size: int  # entries in the source file
    sha1: frozenset[tuple[str, str]]  # (path, sha1 of the secret)
    lines: frozenset[tuple[str, int]]  # (path, line)
    secrets: frozenset[tuple[str, str]]  # (path, secret): in memory only, never written

    def accepts(self, finding: Finding, root: Path) -> bool:
        path = repository_path(finding, root)
        digest = hashlib.sha1(finding.secret.encode(), usedforsecurity=False).hexdigest()
        return (
            (path, digest) in self.sha1
            or (path, finding.secret) in self.secrets
            or any((path, line) in self.lines for line in range(finding.line, finding.end_line + 1))
        )


def read(source: Path) -> Wanted:
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{source}: cannot read: {exc}") from None
    try:
        document = json.loads(text)
    except ValueError:
        return _gitleaksignore(source, text)
    if isinstance(document, dict) and isinstance(document.get("results"), dict):
        return _detect_secrets(source, document["results"])
    if isinstance(document, list):
        return _gitleaks_report(source, document)
    raise UsageError(
        f"{source}: not a detect-secrets baseline, gitleaks JSON report or .gitleaksignore"
    )


def _detect_secrets(source: Path, results: dict[str, object]) -> Wanted:
    sha1: set[tuple[str, str]] = set()
    lines: set[tuple[str, int]] = set()
    size = 0
    for path, entries in results.items():
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                raise UsageError(f"{source}: results[{path!r}] holds a non-object entry")
            size += 1
            if isinstance(entry.get("hashed_secret"), str):
                sha1.add((path, entry["hashed_secret"]))
            if isinstance(entry.get("line_number"), int):
                lines.add((path, entry["line_number"]))
    return Wanted("detect-secrets baseline", size, frozenset(sha1), frozenset(lines), frozenset())


def _gitleaks_report(source: Path, findings: list[object]) -> Wanted:
    lines: set[tuple[str, int]] = set()
    secrets: set[tuple[str, str]] = set()
    for item in findings:
        if not isinstance(item, dict) or not isinstance(item.get("File"), str):
            raise UsageError(f"{source}: a gitleaks report entry has no 'File'")
        if isinstance(item.get("StartLine"), int):
            lines.add((item["File"], item["StartLine"]))
        secret = item.get("Secret")
        if isinstance(secret, str) and secret and secret != "REDACTED":
            secrets.add((item["File"], secret))
    return Wanted(
        "gitleaks report", len(findings), frozenset(), frozenset(lines), frozenset(secrets)
    )


def _gitleaksignore(source: Path, text: str) -> Wanted:
    lines: set[tuple[str, int]] = set()
    entries = [line.strip() for line in text.splitlines()]
    entries = [line for line in entries if line and not line.startswith("#")]
    for entry in entries:
        parts = entry.rsplit(":", 2)  # the path itself may contain ':'
        if len(parts) != 3 or not parts[2].isdigit():
            raise UsageError(f"{source}: {entry!r} is not a gitleaks fingerprint (file:rule:line)")
        path = parts[0].split(":", 1)[1] if _has_commit(parts[0]) else parts[0]
        lines.add((path, int(parts[2])))
    return Wanted(".gitleaksignore", len(entries), frozenset(), frozenset(lines), frozenset())


def _has_commit(prefix: str) -> bool:
    head, _, rest = prefix.partition(":")
    return bool(rest) and len(head) == 40 and all(c in "0123456789abcdef" for c in head)
