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

    @classmethod
    def prepared(cls, root: Path, config: Config, matcher: Matcher, max_size: int) -> Session:
        """A session whose configuration and engine were settled elsewhere: a fleet worker
        scans with what the client read, not with files of its own."""
        session = cls.__new__(cls)
        session.root = root
        session.selection = RuleOptions()
        session.config = config
        session.baseline_path = None
        session.policy = Policy()
        session.max_size = max_size
        session._matcher = matcher
        return session

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
    """The rules the configuration and the command line select, with configured entropies. An
    unknown rule id is a usage error, naming the configuration file and key when it is there."""
    extra = [*map(str, config.pack_files()), *selection.extra_packs]
    loaded = rule_packs.load(extra, examples=examples)
    known = {rule.id for rule in loaded}
    for key, ids in (("disable", config.disable), ("enable", config.enable)):
        _known_in_config(config, key, ids, known)
    _known_in_config(config, "entropy", tuple(config.entropy), known)
    chosen = rule_packs.select(
        loaded, selection.only or config.enable, (*config.disable, *selection.disable)
    )
    return [
        r._replace(entropy=config.entropy[r.id]) if r.id in config.entropy else r for r in chosen
    ]


def _known_in_config(config: Config, key: str, ids: tuple[str, ...], known: set[str]) -> None:
    from pat_scan.errors import ConfigError

    for rule_id in ids:
        if rule_id not in known:
            where = str(config.path) if config.path else "configuration"
            raise ConfigError(
                where, key, f"unknown rule id {rule_id!r} (see `pat-scan rules list`)"
            )


def _baseline_path(explicit: str | None, config: Config, root: Path) -> Path | None:
    """--baseline, else the configuration's `baseline`, else the default name if it exists."""
    from pat_scan.suppress.baseline import DEFAULT_NAME

    if explicit:
        return Path(explicit)
    if config.baseline:
        return config.root / config.baseline
    default = root / DEFAULT_NAME
    return default if default.is_file() else None
