"""One run's setting: its configuration, policy, size limit and baseline at once, and its rules
and engine on first use, so that a hook with nothing to scan (an empty commit) never pays for
them."""

from __future__ import annotations

from pathlib import Path

from pat_scan import config as config_files
from pat_scan import rules as rule_packs
from pat_scan.config import Config
from pat_scan.engine import Matcher
from pat_scan.errors import UsageError
from pat_scan.options import ReportOptions, RuleOptions
from pat_scan.results import Policy
from pat_scan.rules import Rule
from pat_scan.sources import DEFAULT_MAX_FILE_SIZE


class Session:
    __slots__ = ("_matcher", "baseline_path", "config", "max_size", "policy", "root", "selection")

    def __init__(
        self,
        root: Path,
        selection: RuleOptions,
        report: ReportOptions | None = None,
        max_file_size: int | None = None,
    ) -> None:
        report = report or ReportOptions()
        self.root = root
        self.selection = selection
        self.config = config_files.discover(selection.config, root)
        if not report.foreign_markers:
            self.config = self.config._replace(foreign_markers=False)
        self.baseline_path = _baseline_path(report.baseline, self.config, root)
        self.policy = Policy(
            min_confidence=report.min_confidence or self.config.min_confidence or "medium",
            fail_on=report.fail_on or self.config.fail_on or "low",
        )
        self.max_size = max_file_size or self.config.max_file_size or DEFAULT_MAX_FILE_SIZE
        self._matcher: Matcher | None = None

    @property
    def matcher(self) -> Matcher:
        if self._matcher is None:
            from pat_scan import engine

            rules = load_rules(self.config, self.selection)
            if not rules:
                raise UsageError("no rules selected: nothing would be scanned")
            self._matcher = engine.create(rules)
        return self._matcher


def load_rules(config: Config, selection: RuleOptions, examples: bool = False) -> list[Rule]:
    """The rules the configuration and the command line select, with configured entropies."""
    extra = [*(str(config.root / p) for p in config.rules), *selection.extra_packs]
    loaded = rule_packs.load(extra, examples=examples)
    chosen = rule_packs.select(
        loaded, selection.only or config.enable, (*config.disable, *selection.disable)
    )
    if config.entropy:
        rule_packs.check_known(loaded, config.entropy)
        chosen = [
            r._replace(entropy=config.entropy[r.id]) if r.id in config.entropy else r
            for r in chosen
        ]
    return chosen


def _baseline_path(explicit: str | None, config: Config, root: Path) -> Path | None:
    """--baseline, else the configuration's `baseline`, else the default name if it exists."""
    from pat_scan.suppress.baseline import DEFAULT_NAME

    if explicit:
        return Path(explicit)
    if config.baseline:
        return config.root / config.baseline
    default = root / DEFAULT_NAME
    return default if default.is_file() else None
