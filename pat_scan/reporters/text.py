"""Linter-style text: `path:line:col: rule-id message`, what to do, then a one-line summary."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from pat_scan.findings import Finding, InFile
from pat_scan.reporters import Report

_Paint = Callable[[str, str], str]
_COLORS = {"red": "31", "yellow": "33", "dim": "2", "bold": "1"}


def write(report: Report, out: TextIO) -> None:
    paint = _painter(report.color)
    blocking = [f for f in report.result.findings if report.policy.blocks(f)]
    quiet = [f for f in report.result.findings if not report.policy.blocks(f)]
    if report.verifications:  # tokens their provider confirmed live come first
        blocking.sort(key=lambda f: not _active(report, f))
    for finding in blocking:
        out.write(_line(report, finding, paint) + "\n")
        if report.verifications and finding.fingerprint in report.verifications:
            out.write(_verified(report, finding, paint) + "\n")
    if blocking:
        out.write("\n" + _advice(report, blocking) + "\n")
    if quiet:
        out.write(paint("dim", f"Not blocking ({_quiet_reason(report)}):") + "\n")
        for finding in quiet:
            why = f" ({finding.why_low})" if finding.why_low else ""
            out.write(paint("dim", "  " + _line(report, finding, lambda _c, t: t) + why) + "\n")
            if report.verifications and finding.fingerprint in report.verifications:
                out.write(_verified(report, finding, paint) + "\n")
    if report.result.stale:
        out.write(
            paint(
                "dim",
                "Stale baseline entries (they match nothing now; "
                "`pat-scan baseline prune` removes them):",
            )
            + "\n"
        )
        for entry in report.result.stale:
            out.write(paint("dim", f"  {shown(str(entry))}") + "\n")
    if report.show_suppressed:
        for finding in report.result.suppressed:
            out.write(paint("dim", f"suppressed ({finding.suppressed}): ") + _location(finding))
            out.write(f" {finding.rule.id} {report.shown_secret(finding)}\n")
    for notice in report.result.notices():
        out.write(paint("yellow", f"pat-scan: warning: {shown(notice.message)}") + "\n")
    out.write(_summary(report, blocking, paint) + "\n")


# Control characters (a newline or an ANSI escape in a file name) are shown escaped: a name must
# not break the report's lines or take over the terminal.
_CONTROL = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_CONTROL.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})


def shown(text: str) -> str:
    """`text` with its control characters escaped."""
    return text.translate(_CONTROL)


def _location(finding: Finding) -> str:
    where = f"{shown(finding.path)}:{finding.line}:{finding.column}:"
    return f"{where} ({finding.note})" if finding.note else where


def _line(report: Report, finding: Finding, paint: _Paint) -> str:
    rule = finding.rule
    level = "red" if rule.severity in ("critical", "high") else "yellow"
    return (
        f"{_location(finding)} {paint(level, rule.id)} {rule.name}: "
        f"{report.shown_secret(finding)} [{rule.severity}, {finding.confidence} confidence]"
        + _commit(finding)
    )


def _active(report: Report, finding: Finding) -> bool:
    # A fingerprint may cost a slow derivation: none is asked for without verifications.
    verification = report.verifications.get(finding.fingerprint) if report.verifications else None
    return verification is not None and verification.status == "active"


def _judged(report: Report, finding: Finding) -> bool:
    """Whether its provider said active, revoked or invalid (advice of its own follows)."""
    verification = report.verifications.get(finding.fingerprint) if report.verifications else None
    return verification is not None and verification.status != "unknown"


def _verified(report: Report, finding: Finding, paint: _Paint) -> str:
    """The indented line under a finding that says what its provider answered."""
    from pat_scan.verify.display import line

    text = "    " + line(report.verifications[finding.fingerprint])
    return paint("red", text) if _active(report, finding) else paint("dim", text)


def _commit(finding: Finding) -> str:
    """' in commit abc123 (2020-01-07, A. Author; still at HEAD)' for history findings."""
    origin = finding.origin
    if isinstance(origin, InFile):
        return ""
    commit = origin.commit
    when = ", ".join(p for p in ((commit.date or "")[:10], commit.author or "") if p)
    notes = [p for p in (when, "still at HEAD" * bool(origin.at_head)) if p]
    about = f" ({'; '.join(notes)})" if notes else ""
    return f" in commit {commit.sha[:12]}{about}"


def _advice(report: Report, blocking: list[Finding]) -> str:
    lines = ["What to do:"]
    if report.kind == "history":
        lines.append(
            "  1. Remove it from the files that still hold it (still at HEAD). Every clone keeps"
            " the old commits, so revoking it (2) is what makes it harmless; rewriting history"
            " (git filter-repo) is optional and needs every clone replaced."
        )
    elif report.kind == "push":
        lines += _rewrite_advice(blocking)
    else:
        lines.append(
            "  1. Remove the secret from the file"
            + (" and stage the change (git add)." if report.kind == "hook" else ".")
        )
    lines.append("  2. Revoke it and rotate it, since it may already have been copied:")
    # A rule whose every finding its provider judged needs no generic advice: each has its own.
    seen = {f.rule.id for f in blocking if _judged(report, f)} - {
        f.rule.id for f in blocking if not _judged(report, f)
    }
    for finding in blocking:
        if finding.rule.id not in seen:
            seen.add(finding.rule.id)
            first = finding.rule.remediation.strip().splitlines()
            lines.append(f"     - {finding.rule.id}: " + " ".join(s.strip() for s in first))
    for finding in blocking if report.verifications else ():  # what each one can do
        verification = report.verifications.get(finding.fingerprint)
        if verification is not None and verification.advice:
            lines.append(f"     - {_location(finding)} {verification.advice}")
    lines.append(
        "  3. Load the new value from the environment or a secret manager at run time"
        " (os.environ[...], process.env...), never from the source."
    )
    if report.kind == "push":
        lines.append(
            "  4. Not a secret? Add `pat-scan: allow` in a comment on that line"
            " (or `pat-scan: allow[rule-id]`) in the commit that added it (as in 1), then push."
        )
    else:
        lines.append(
            "  4. Not a secret? Add `pat-scan: allow` in a comment on that line"
            " (or `pat-scan: allow[rule-id]`), or record it with `pat-scan baseline create`."
        )
    return "\n".join(lines)


def _rewrite_advice(blocking: list[Finding]) -> list[str]:
    """Step 1 for a push: the commits are not on the remote yet, so take the secret out of
    them; the exact commands for each commit that added one."""
    shas = list(dict.fromkeys(f.commit.sha for f in blocking if f.commit is not None))
    lines = [
        "  1. Take it out of the commits you are pushing: they are not on the remote yet, so"
        " rewrite them, then push again. For each commit below, mark it `edit`, remove the"
        " secret, and go on:"
    ]
    for sha in shas:
        lines.append(
            f"       git rebase -i {sha[:12]}~1   # change `pick {sha[:7]}` to `edit`"
            " (a first commit: git rebase -i --root)"
        )
    lines.append("       # remove the secret, then: git commit --amend -a && git rebase --continue")
    lines.append("     The last commit alone: remove it, then git commit --amend -a.")
    return lines


def _quiet_reason(report: Report) -> str:
    return (
        f"below --min-confidence {report.policy.min_confidence} or "
        f"--fail-on {report.policy.fail_on}"
    )


def _summary(report: Report, blocking: list[Finding], paint: _Paint) -> str:
    result = report.result
    stats = result.stats
    scanned = "file version" if report.kind == "history" else "file"  # each blob, once
    parts = [f"{stats.files} {scanned}{'s' * (stats.files != 1)} scanned ({_size(stats.bytes)})"]
    if stats.skipped:
        skipped = ", ".join(f"{n} {why}" for why, n in sorted(stats.skipped.items()))
        parts.append(f"skipped: {skipped}")
    by_confidence = {c: 0 for c in ("high", "medium", "low")}
    for finding in result.findings:
        by_confidence[finding.confidence] += 1
    found = ", ".join(f"{n} {c}" for c, n in by_confidence.items() if n)
    if result.findings:
        parts.append(f"{len(result.findings)} finding(s): {found} confidence")
    if result.suppressed:
        parts.append(f"{len(result.suppressed)} suppressed")
    if report.verifications:
        from pat_scan.verify.display import summary
        from pat_scan.verify.run import summary as counts

        parts.append(summary(counts(report.verifications)))
    if stats.unscanned:
        parts.append(f"{len(stats.unscanned)} not checked")
    if blocking:
        verdict = paint("red", f"pat-scan: {len(blocking)} secret(s) found")
    elif result.findings:  # findings below the policy: say they are there, and not blocking
        verdict = paint("bold", "pat-scan: no blocking secrets")
    else:
        verdict = paint("bold", "pat-scan: no secrets found")
    if not result.complete:
        verdict += " (incomplete: see the warnings above)"
    return f"{verdict}; " + "; ".join(parts)


def _size(count: int) -> str:
    value = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError  # unreachable: the loop returns at GB


def _painter(enabled: bool) -> _Paint:
    def paint(color: str, text: str) -> str:
        return f"\033[{_COLORS[color]}m{text}\033[0m" if enabled else text

    return paint
