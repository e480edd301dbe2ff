"""What every scanning command does before and after its source: load configuration and rules,
build the engine, write the report, decide the exit code."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from pat_scan import config as config_files
from pat_scan import engine, scan
from pat_scan.config import Config
from pat_scan.engine import Matcher
from pat_scan.errors import UsageError
from pat_scan.reporters import Report, writer
from pat_scan.rules import Rule
from pat_scan.scan import Policy, Result
from pat_scan.sources import DEFAULT_MAX_FILE_SIZE


class Prepared:
    """Configuration and policy at once; rules and engine on first use of `matcher`, so that a
    hook with nothing to scan (an empty commit) does not pay for them."""

    __slots__ = ("_matcher", "_selection", "baseline_path", "config", "max_size", "policy", "root")

    def __init__(self, args: argparse.Namespace, root: Path) -> None:
        self.root = root
        self.config = config_files.discover(args.config, root)
        if getattr(args, "no_foreign_markers", False):
            self.config = self.config._replace(foreign_markers=False)
        self.baseline_path = _baseline_path(getattr(args, "baseline", None), self.config, root)
        self.policy = Policy(
            min_confidence=getattr(args, "min_confidence", None)
            or self.config.min_confidence
            or "medium",
            fail_on=getattr(args, "fail_on", None) or self.config.fail_on or "low",
        )
        self.max_size = (
            getattr(args, "max_file_size", None)
            or self.config.max_file_size
            or DEFAULT_MAX_FILE_SIZE
        )
        self._selection = scan.Selection.from_args(args)
        self._matcher: Matcher | None = None

    @property
    def matcher(self) -> Matcher:
        if self._matcher is None:
            rules = scan.load_rules(self.config, self._selection)
            if not rules:
                raise UsageError("no rules selected: nothing would be scanned")
            self._matcher = engine.create(rules)
        return self._matcher


def _baseline_path(explicit: str | None, config: Config, root: Path) -> Path | None:
    """--baseline, else the configuration's `baseline`, else the default name if it exists."""
    from pat_scan.baseline import DEFAULT_NAME

    if explicit:
        return Path(explicit)
    if config.baseline:
        return config.root / config.baseline
    default = root / DEFAULT_NAME
    return default if default.is_file() else None


def finish(
    args: argparse.Namespace,
    prepared: Prepared,
    result: Result,
    kind: str,
    stale_scope: set[str] | None,
) -> int:
    """Apply the baseline, write the report, decide the exit code.

    `stale_scope` says which baseline entries this run can judge stale: None for a full scan
    (all of them), or the root-relative paths it scanned whole (an empty set for the hook, which
    only looks at added lines).
    """
    if prepared.baseline_path is not None:
        from pat_scan import baseline

        loaded = baseline.load(prepared.baseline_path)
        result.findings, baselined, used = baseline.split(
            result.findings, loaded, prepared.root, result.rooted
        )
        result.suppressed.extend(baselined)
        result.stale = baseline.stale(loaded, used, stale_scope)
    # SARIF lists every active rule; other formats do without, so the hook stays lazy.
    rules = prepared.matcher.rules if args.format == "sarif" else ()
    code = _emit(args, result, prepared.policy, kind, rules)
    if result.stale and getattr(args, "fail_on_stale_baseline", False):
        print(
            f"pat-scan: {len(result.stale)} stale baseline entr{ies(len(result.stale))}: "
            "run `pat-scan baseline prune`",
            file=sys.stderr,
        )
        code = max(code, 1)
    return code


def _emit(
    args: argparse.Namespace,
    result: Result,
    policy: Policy,
    kind: str,
    rules: Sequence[Rule] = (),
) -> int:
    """Write the report; `rules` (every active rule) is needed by SARIF only."""
    with _destination(args.output) as out:
        report = Report(
            result=result,
            policy=policy,
            redact=args.redact != "none",
            show_suppressed=args.show_suppressed,
            color=_use_color(args.color, out),
            kind=kind,
            rules=tuple(rules),
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


def ies(count: int) -> str:
    """The ending of "entry" / "entries" for `count`."""
    return "y" if count == 1 else "ies"
