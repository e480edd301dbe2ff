"""What every scanning command shares: its options from the command line, and after the scan,
the baseline, verification, the report and the exit code."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TextIO

from pat_scan.errors import EXIT_CLEAN, EXIT_FINDINGS, EXIT_INTERNAL, UsageError
from pat_scan.options import ReportOptions, RuleOptions, VerifyOptions
from pat_scan.results import Policy, Result
from pat_scan.rules import Rule
from pat_scan.session import Session


def rule_options(args: argparse.Namespace) -> RuleOptions:
    """From the shared --config / --rules / --only-rule / --disable-rule options."""
    return RuleOptions(
        args.config, tuple(args.rules), tuple(args.only_rule), tuple(args.disable_rule)
    )


def report_options(args: argparse.Namespace) -> ReportOptions:
    """From the shared output options (the baseline commands have only some of them)."""
    return ReportOptions(
        format=getattr(args, "format", "text"),
        output=getattr(args, "output", None),
        min_confidence=getattr(args, "min_confidence", None),
        fail_on=getattr(args, "fail_on", None),
        redact=getattr(args, "redact", "partial") != "none",
        show_suppressed=getattr(args, "show_suppressed", False),
        foreign_markers=not getattr(args, "no_foreign_markers", False),
        color=getattr(args, "color", "auto"),
        baseline=getattr(args, "baseline", None),
        fail_on_stale_baseline=getattr(args, "fail_on_stale_baseline", False),
        allow_unscanned=getattr(args, "allow_unscanned", False),
    )


def finish(
    options: ReportOptions,
    session: Session,
    result: Result,
    kind: str,
    stale_scope: set[str] | None,
    verify: VerifyOptions | None = None,
) -> int:
    """Apply the baseline, verify when asked, write the report, decide the exit code.

    `stale_scope` says which baseline entries this run can judge stale (see baseline.apply)."""
    if session.baseline_path is not None:
        from pat_scan.suppress import baseline

        accepted_file = baseline.read(session.baseline_path)
        for notice in accepted_file.notices:  # how to migrate it: said once a run
            print(f"pat-scan: warning: {notice}", file=sys.stderr)
        result.findings, accepted, result.stale = baseline.apply(
            result.findings, accepted_file.entries, session.root, stale_scope
        )
        result.suppressed.extend(accepted)
    verifications: dict[str, Any] = {}
    # The network only when asked: --verify, or `verify: true` for scan and history (the hook
    # needs its own --verify).
    verify = verify or VerifyOptions()
    if verify.requested or (session.config.verify and kind not in ("hook", "push")):
        from pat_scan.verify.run import verify_findings

        result.findings, verifications = verify_findings(verify, session.config, result.findings)
    # SARIF lists every active rule; other formats do without, so the hook stays lazy.
    rules = session.matcher.rules if options.format == "sarif" else ()
    code = emit(options, session.policy, result, kind, rules, verifications)
    if result.stale and options.fail_on_stale_baseline:
        print(
            f"pat-scan: {len(result.stale)} stale baseline entr{ies(len(result.stale))}: "
            "run `pat-scan baseline prune`",
            file=sys.stderr,
        )
        code = EXIT_FINDINGS
    if result.stats.unscanned and not options.allow_unscanned:
        _unscanned(result.stats.unscanned, kind)
        code = EXIT_INTERNAL
    return code


# Files listed by name when some could not be checked; the count says how many more.
_LISTED = 10


def _unscanned(unscanned: dict[str, str], kind: str) -> None:
    """Say which files could not be checked and how to let them through (the run fails)."""
    from pat_scan.reporters.text import shown

    what = {"hook": "the commit is stopped", "push": "the push is stopped"}
    print(
        f"pat-scan: error: {len(unscanned)} file(s) could not be checked, so "
        f"{what.get(kind, 'the scan is incomplete')}:",
        file=sys.stderr,
    )
    for path, why in sorted(unscanned.items())[:_LISTED]:
        print(f"  {shown(path)}: {why}", file=sys.stderr)
    if len(unscanned) > _LISTED:
        print(f"  ... and {len(unscanned) - _LISTED} more", file=sys.stderr)
    print(
        "Make an unreadable file readable and run again; a file only partly checked holds "
        "more candidates than one file is checked for (look at what it holds). If a file never "
        "holds secrets, exclude it in the configuration (exclude: [PATH]), or pass "
        "--allow-unscanned to accept this once.",
        file=sys.stderr,
    )


def emit(
    options: ReportOptions,
    policy: Policy,
    result: Result,
    kind: str,
    rules: Sequence[Rule] = (),
    verifications: Mapping[str, Any] | None = None,
) -> int:
    """Write the report and say whether it blocks; `rules` (every active rule) is needed by
    SARIF only, `verifications` (fingerprint -> record) only after --verify."""
    from pat_scan.reporters import Report, writer

    with destination(options.output) as out:
        report = Report(
            result=result,
            policy=policy,
            redact=options.redact,
            show_suppressed=options.show_suppressed,
            color=_use_color(options.color, out),
            kind=kind,
            rules=tuple(rules),
            verifications=verifications or {},
        )
        writer(options.format)(report, out)
    return EXIT_FINDINGS if any(policy.blocks(f) for f in result.findings) else EXIT_CLEAN


@contextlib.contextmanager
def destination(path: str | None) -> Iterator[TextIO]:
    if path is None or path == "-":
        yield sys.stdout
        return
    try:
        handle = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise UsageError(f"{path}: cannot write report: {exc.strerror}") from None
    with handle:
        yield handle


def _use_color(choice: str, out: TextIO) -> bool:
    if choice != "auto":
        return choice == "always"
    return "NO_COLOR" not in os.environ and out.isatty()


def ies(count: int) -> str:
    """The ending of "entry" / "entries" for `count`."""
    return "y" if count == 1 else "ies"
