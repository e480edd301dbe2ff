"""`pat-scan fleet [REPO_URL_OR_PATH ...]`: the history of many repositories, each mirrored into
a cache and scanned incrementally, on this machine or a Dask cluster, recorded in an inventory.

Exit status: 0 clean, 1 secrets found, 3 when a repository could not be scanned (unless
--allow-failures; this wins over 1, because the run did not see everything), 130 interrupted.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pat_scan.commands.scan_cmd import add_size_option

if TYPE_CHECKING:
    from pat_scan.fleet.repos import Repo
    from pat_scan.fleet.run import Driver
    from pat_scan.fleet.work import Setup
    from pat_scan.options import FleetOptions


def register(
    commands: Any, rules: argparse.ArgumentParser, policy: argparse.ArgumentParser
) -> None:
    parser = commands.add_parser(
        "fleet",
        parents=[rules, policy],
        help="scan the history of many repositories (an organisation), locally or on Dask",
        description="Mirror each repository into a cache and scan its whole history, "
        "incrementally: a repository whose refs did not move since the inventory's last scan "
        "is not scanned again. Runs on this machine, or on a Dask cluster with --dask. "
        "Tokens for listings and clones come from the environment (GITHUB_TOKEN or GH_TOKEN, "
        "GITLAB_TOKEN), never from the command line. The configuration is --config alone "
        "(the same for every repository); a repository's own files are not read.",
    )
    parser.add_argument(
        "targets",
        nargs="*",
        metavar="REPO_URL_OR_PATH",
        help="a repository URL, a local repository, or a directory of clones",
    )
    sources = parser.add_argument_group("repositories")
    sources.add_argument(
        "--repos-file",
        action="append",
        default=[],
        metavar="FILE",
        help="one URL or path a line (# comments; relative paths from the file's folder)",
    )
    sources.add_argument("--github-org", action="append", default=[], metavar="ORG")
    sources.add_argument("--github-user", action="append", default=[], metavar="USER")
    sources.add_argument(
        "--github-url",
        metavar="URL",
        help="GitHub API root (default https://api.github.com; "
        "GitHub Enterprise Server: https://HOST/api/v3)",
    )
    sources.add_argument(
        "--gitlab-group",
        action="append",
        default=[],
        metavar="GROUP",
        help="a GitLab group (its subgroups too), by path or id",
    )
    sources.add_argument(
        "--gitlab-url", metavar="URL", help="GitLab instance (default https://gitlab.com)"
    )
    sources.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="GLOB",
        help="only repositories whose name matches (repeatable; e.g. 'my-org/api-*')",
    )
    sources.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip repositories whose name matches (repeatable)",
    )
    sources.add_argument("--skip-archived", action="store_true", help="skip archived repositories")
    sources.add_argument("--skip-forks", action="store_true", help="skip forks")
    running = parser.add_argument_group("running")
    running.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="a Dask scheduler, e.g. tcp://scheduler:8786 (default: $DASK_SCHEDULER_ADDRESS; "
        "unset: this machine)",
    )
    running.add_argument(
        "--jobs",
        "-j",
        type=_positive_int,
        metavar="N",
        help="repositories scanned at once on this machine (default: one per CPU)",
    )
    running.add_argument(
        "--timeout",
        type=_positive_float,
        default=1800.0,
        metavar="SECONDS",
        help="time for one repository, mirror and scan (default 1800)",
    )
    running.add_argument(
        "--retries",
        type=_count,
        default=1,
        metavar="N",
        help="tries again after a timeout, crash or network error (default 1)",
    )
    running.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="mirror cache (default ~/.cache/pat-scan-fleet on each machine)",
    )
    running.add_argument(
        "--inventory",
        metavar="PATH",
        help="the inventory database (default: inventory.sqlite in the cache directory)",
    )
    running.add_argument(
        "--no-commit-messages", action="store_true", help="do not scan commit messages"
    )
    add_size_option(parser)
    output = parser.add_argument_group("output")
    output.add_argument("--format", choices=("text", "json"), default="text")
    output.add_argument("--output", "-o", metavar="FILE", help="write the report here")
    output.add_argument(
        "--sarif-dir",
        metavar="DIR",
        help="also write one SARIF file per repository here (DIR/<name>.sarif)",
    )
    output.add_argument(
        "--since-inventory",
        action="store_true",
        help="report only findings the inventory did not hold before this run",
    )
    output.add_argument(
        "--allow-failures",
        action="store_true",
        help="exit 0 or 1 even when repositories could not be scanned",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import os
    import sys
    from pathlib import Path

    from pat_scan import parallel
    from pat_scan.commands.common import destination, rule_options
    from pat_scan.commands.progress import FleetProgress
    from pat_scan.config import Config, discover
    from pat_scan.errors import (
        EXIT_CLEAN,
        EXIT_FINDINGS,
        EXIT_INTERNAL,
        EXIT_INTERRUPTED,
        UsageError,
    )
    from pat_scan.fleet import mirror, report
    from pat_scan.fleet import run as fleet
    from pat_scan.fleet.inventory import Inventory
    from pat_scan.fleet.work import make_setup
    from pat_scan.options import FleetOptions
    from pat_scan.results import Policy
    from pat_scan.session import load_rules
    from pat_scan.sources import DEFAULT_MAX_FILE_SIZE

    if sys.platform == "win32":
        raise UsageError("pat-scan fleet runs on Linux and macOS (it stops process groups)")
    repos = _repositories(args)
    config = discover(args.config, Path.cwd()) if args.config else Config(root=Path.cwd())
    rules = load_rules(config, rule_options(args))
    if not rules:
        raise UsageError("no rules selected: nothing would be scanned")
    policy = Policy(
        min_confidence=args.min_confidence or config.min_confidence or "medium",
        fail_on=args.fail_on or config.fail_on or "low",
    )
    max_size = args.max_file_size or config.max_file_size or DEFAULT_MAX_FILE_SIZE
    setup = make_setup(rules, config, max_size, not args.no_commit_messages)
    options = FleetOptions(
        dask=args.dask or os.environ.get("DASK_SCHEDULER_ADDRESS") or None,
        jobs=args.jobs or parallel.jobs(),
        timeout=args.timeout,
        retries=args.retries,
        inventory=args.inventory,
        cache_dir=str(Path(args.cache_dir).resolve()) if args.cache_dir else None,
        since_inventory=args.since_inventory,
    )
    cache = Path(options.cache_dir) if options.cache_dir else mirror.default_cache_dir()
    inventory = Inventory(
        Path(options.inventory) if options.inventory else cache / "inventory.sqlite"
    )
    by_id = {rule.id: rule for rule in rules}
    try:
        driver = _driver(options, setup)
        with destination(args.output) as out:
            outputs: list[fleet.Output] = []
            stream = None
            if args.format == "json":
                stream = report.JsonStream(out, policy, driver.description, args.since_inventory)
                outputs.append(stream)
            if args.sarif_dir:
                outputs.append(report.SarifFiles(Path(args.sarif_dir), policy))
            summary = fleet.scan(
                repos, setup, options, policy, inventory, driver, outputs, FleetProgress()
            )
            if stream is not None:
                stream.finish(inventory, summary, by_id)
            else:
                report.write_text(
                    out, inventory, summary, policy, by_id, driver.description, args.since_inventory
                )
    finally:
        inventory.close()
    if summary.interrupted:
        print("pat-scan: interrupted: run again to resume from the inventory", file=sys.stderr)
        return EXIT_INTERRUPTED
    if summary.failed and not args.allow_failures:
        print(
            f"pat-scan: {summary.failed} of {summary.planned} repositories could not be scanned "
            "(--allow-failures to accept that)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    return EXIT_FINDINGS if summary.blocking else EXIT_CLEAN


def _repositories(args: argparse.Namespace) -> list[Repo]:
    from pathlib import Path

    from pat_scan.errors import UsageError
    from pat_scan.fleet import repos as repo_lists
    from pat_scan.options import ListingOptions

    found = repo_lists.from_arguments(args.targets, Path.cwd())
    for path in args.repos_file:
        found += repo_lists.from_file(path)
    listing = ListingOptions(
        github_orgs=tuple(args.github_org),
        github_users=tuple(args.github_user),
        github_url=args.github_url,
        gitlab_groups=tuple(args.gitlab_group),
        gitlab_url=args.gitlab_url,
        skip_archived=args.skip_archived,
        skip_forks=args.skip_forks,
    )
    if listing.github_orgs or listing.github_users or listing.gitlab_groups:
        from pat_scan.fleet import providers

        found += providers.listed(listing)
    chosen = repo_lists.selected(found, args.include, args.exclude)
    if not chosen:
        raise UsageError(
            "no repositories to scan: give URLs or paths, --repos-file, --github-org, "
            "--github-user or --gitlab-group (and check --include / --exclude)"
        )
    return chosen


def _driver(options: FleetOptions, setup: Setup) -> Driver:
    if options.dask:
        from pat_scan.fleet.dask_driver import DaskPool

        return DaskPool(options.dask, setup, options.timeout)
    from pat_scan.fleet.local import LocalPool

    return LocalPool(options.jobs or 1, setup, options.timeout)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value
