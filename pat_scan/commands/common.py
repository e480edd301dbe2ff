"""What every scanning command does before and after its source: load configuration and rules,
build the engine, write the report, decide the exit code."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from pat_scan import config as config_files
from pat_scan import scan
from pat_scan.engine import Matcher
from pat_scan.errors import UsageError
from pat_scan.reporters import Report, writer
from pat_scan.scan import Policy, Result


class Prepared:
    """Configuration and policy at once; rules and engine on first use of `matcher`, so that a
    hook with nothing to scan (an empty commit) does not pay for them."""

    __slots__ = ("_matcher", "_selection", "config", "policy")

    def __init__(self, args: argparse.Namespace, root: Path) -> None:
        self.config = config_files.discover(args.config, root)
        self.policy = Policy(
            min_confidence=getattr(args, "min_confidence", None)
            or self.config.min_confidence
            or "medium",
            fail_on=getattr(args, "fail_on", None) or self.config.fail_on or "low",
        )
        self._selection = scan.Selection(
            tuple(args.rules), tuple(args.only_rule), tuple(args.disable_rule)
        )
        self._matcher: Matcher | None = None

    @property
    def matcher(self) -> Matcher:
        if self._matcher is None:
            rules = scan.load_rules(self.config, self._selection)
            if not rules:
                raise UsageError("no rules selected: nothing would be scanned")
            self._matcher = scan.create_matcher(rules)
        return self._matcher


def emit(args: argparse.Namespace, result: Result, policy: Policy, kind: str) -> int:
    with _destination(args.output) as out:
        report = Report(
            result=result,
            policy=policy,
            redact=args.redact != "none",
            show_suppressed=args.show_suppressed,
            color=_use_color(args.color, out),
            kind=kind,
        )
        writer(args.format)(report, out)
    return 1 if any(policy.blocks(f) for f in result.findings) else 0


@contextlib.contextmanager
def _destination(path: str | None) -> Iterator[TextIO]:
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
