"""What the user asked for, as typed records: `commands/` builds them from the command line, and
nothing below `commands/` knows argparse."""

from __future__ import annotations

from typing import NamedTuple


class RuleOptions(NamedTuple):
    """Which configuration and rules: shared by every command that loads rules."""

    config: str | None = None  # --config FILE; None discovers it at the repository root
    extra_packs: tuple[str, ...] = ()  # --rules
    only: tuple[str, ...] = ()  # --only-rule
    disable: tuple[str, ...] = ()  # --disable-rule


class ReportOptions(NamedTuple):
    """How the result is judged and written: shared by every scanning command."""

    format: str = "text"
    output: str | None = None  # a file, or None / '-' for standard output
    min_confidence: str | None = None  # None: the configuration's, else medium
    fail_on: str | None = None  # None: the configuration's, else low
    redact: bool = True
    show_suppressed: bool = False
    foreign_markers: bool = True  # False: --no-foreign-markers (other tools' markers ignored)
    color: str = "auto"  # auto | always | never
    baseline: str | None = None  # None: the configuration's, else the default file if present
    fail_on_stale_baseline: bool = False
    allow_unscanned: bool = False  # files that could not be checked do not fail the run


class HookOptions(NamedTuple):
    """The mode git and pre-commit run the hook in, as they tell it (arguments, environment)."""

    files: tuple[str, ...] = ()  # what pre-commit passed, relative to the current directory
    from_ref: str | None = None  # PRE_COMMIT_FROM_REF / PRE_COMMIT_TO_REF: a pre-push run
    to_ref: str | None = None
    in_commit: bool = False  # git set GIT_INDEX_FILE: running inside `git commit`


class HistoryOptions(NamedTuple):
    """Which history to scan and how."""

    revisions: tuple[str, ...] = ("--all",)  # rev-list arguments: refs, ranges, --since
    commit_messages: bool = True
    incremental: bool = False
    jobs: int | None = None  # None: one per CPU


class VerifyOptions(NamedTuple):
    """Whether and how to ask providers about the credentials found (uses the network)."""

    requested: bool = False  # --verify
    github_api_url: str | None = None
    gitlab_url: str | None = None
    provider_urls: tuple[str, ...] = ()  # NAME=URL, repeatable
    ca_bundle: str | None = None
    timeout: float | None = None  # seconds per request
    jobs: int | None = None  # requests at a time
    cache_ttl: int | None = None  # seconds a result is reused; 0: always ask


class ListingOptions(NamedTuple):
    """Which provider listings name repositories for a fleet run (opt-in network)."""

    github_orgs: tuple[str, ...] = ()
    github_users: tuple[str, ...] = ()
    github_url: str | None = None  # API root; None: https://api.github.com
    gitlab_groups: tuple[str, ...] = ()
    gitlab_url: str | None = None  # instance; None: https://gitlab.com
    skip_archived: bool = False
    skip_forks: bool = False


class FleetOptions(NamedTuple):
    """How a fleet run scans its repositories and what it records."""

    dask: str | None = None  # a scheduler address; None runs the local pool
    jobs: int | None = None  # local pool: repositories at once (None: one per CPU)
    timeout: float = 1800.0  # seconds for one repository: mirror and scan
    retries: int = 1  # further tries of a repository that failed for a passing reason
    inventory: str | None = None  # None: inventory.sqlite in the cache directory
    cache_dir: str | None = None  # None: each machine's default (~/.cache/pat-scan-fleet)
    since_inventory: bool = False  # report only findings the inventory did not hold
