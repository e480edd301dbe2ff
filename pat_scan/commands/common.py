"""What every scanning command shares: its options from the command line, and after the scan,
the baseline, the report and the exit code."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from typing import TextIO

from pat_scan.errors import EXIT_CLEAN, EXIT_FINDINGS, UsageError
from pat_scan.options import ReportOptions, RuleOptions
from pat_scan.results import Result
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
        color=getattr(args, "color", "auto"),
        baseline=getattr(args, "baseline", None),
        fail_on_stale_baseline=getattr(args, "fail_on_stale_baseline", False),
    )


def finish(
    options: ReportOptions,
    session: Session,
    result: Result,
    kind: str,
    stale_scope: set[str] | None,
) -> int:
    """Apply the baseline, write the report, decide the exit code.

    `stale_scope` says which baseline entries this run can judge stale (see baseline.apply)."""
    if session.baseline_path is not None:
        from pat_scan.suppress import baseline

        entries = baseline.load(session.baseline_path)
        result.findings, accepted, result.stale = baseline.apply(
            result.findings, entries, session.root, stale_scope
        )
        result.suppressed.extend(accepted)
    from pat_scan.reporters import Report, writer

    # SARIF lists every active rule; other formats do without, so the hook stays lazy.
    rules = tuple(session.matcher.rules) if options.format == "sarif" else ()
    with destination(options.output) as out:
        report = Report(
            result=result,
            policy=session.policy,
            redact=options.redact,
            show_suppressed=options.show_suppressed,
            color=_use_color(options.color, out),
            kind=kind,
            rules=rules,
        )
        writer(options.format)(report, out)
    blocking = any(session.policy.blocks(f) for f in result.findings)
    code = EXIT_FINDINGS if blocking else EXIT_CLEAN
    if result.stale and options.fail_on_stale_baseline:
        print(
            f"pat-scan: {len(result.stale)} stale baseline entr{ies(len(result.stale))}: "
            "run `pat-scan baseline prune`",
            file=sys.stderr,
        )
        code = EXIT_FINDINGS
    return code


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
