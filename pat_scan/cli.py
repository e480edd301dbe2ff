"""Command line: argparse subcommands, and the one place errors become exit codes."""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Sequence
from typing import TextIO, cast

from pat_scan import __version__
from pat_scan.errors import (
    EXIT_CLEAN,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    PatScanError,
    RedactingStream,
)


def main(argv: Sequence[str] | None = None) -> int:
    # Every error and warning goes through one redaction (errors.redact_secrets): a value
    # echoed from the configuration, the command line or git may be a token.
    stderr = sys.stderr
    sys.stderr = cast(TextIO, RedactingStream(stderr))
    try:
        return _run(argv)
    finally:
        sys.stderr = stderr


def _run(argv: Sequence[str] | None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(next((a for a in arguments if not a.startswith("-")), None))
    args = parser.parse_args(arguments)
    try:
        code: int = args.handler(args)
    except PatScanError as exc:
        print(f"pat-scan: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("pat-scan: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_CLEAN
    except Exception as exc:  # fail closed: a scan that broke must never look clean
        print(f"pat-scan: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    return code


COMMANDS = (
    "scan", "hook", "history", "verify", "revoke", "fleet", "rules", "baseline", "install-hook",
    "uninstall-hook",
)  # fmt: skip


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of `command` alone when it is one: a run imports and
    builds only its own (the hook runs on every commit; all of them took 39 ms)."""
    parser = argparse.ArgumentParser(
        prog="pat-scan", description="Find hardcoded credentials before they reach git."
    )
    parser.add_argument("--version", action="version", version=f"pat-scan {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    shared = _SharedOptions()

    def wanted(*names: str) -> bool:
        return command not in COMMANDS or command in names

    if wanted("scan"):
        from pat_scan.commands import scan_cmd

        scan_cmd.register(commands, shared.rules, shared.output, shared.verify)
    if wanted("hook"):
        from pat_scan.commands import hook_cmd

        hook_cmd.register(commands, shared.rules, shared.output, shared.verify)
    if wanted("history"):
        from pat_scan.commands import history_cmd

        history_cmd.register(commands, shared.rules, shared.output, shared.verify)
    if wanted("verify", "revoke"):
        from pat_scan.commands import verify_cmd

        verify_cmd.register(commands, shared.rules, shared.output, shared.verify)
        verify_cmd.register_revoke(commands, shared.rules, shared.verify)
    if wanted("fleet"):
        from pat_scan.commands import fleet_cmd

        fleet_cmd.register(commands, shared.rules, policy_options())
    if wanted("rules"):
        from pat_scan.commands import rules_cmd

        rules_cmd.register(commands, shared.rules)
    if wanted("baseline"):
        from pat_scan.commands import baseline_cmd

        baseline_cmd.register(commands, shared.rules)
    if wanted("install-hook", "uninstall-hook"):
        from pat_scan.commands import install_cmd

        install_cmd.register(commands)
    return parser


class _SharedOptions:
    """Option groups several commands share, each built once when first asked for (argparse
    copies a parent's actions, so one of each does)."""

    @functools.cached_property
    def rules(self) -> argparse.ArgumentParser:
        return rule_options()

    @functools.cached_property
    def output(self) -> argparse.ArgumentParser:
        return output_options()

    @functools.cached_property
    def verify(self) -> argparse.ArgumentParser:
        from pat_scan.commands import verify_cmd

        return verify_cmd.options()


def rule_options() -> argparse.ArgumentParser:
    """Options every command that loads rules shares."""
    shared = argparse.ArgumentParser(add_help=False)
    group = shared.add_argument_group("rules")
    group.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="PATH",
        help="extra rule pack file or directory (repeatable)",
    )
    group.add_argument(
        "--disable-rule",
        action="append",
        default=[],
        metavar="ID",
        help="do not run this rule (repeatable)",
    )
    group.add_argument(
        "--only-rule",
        action="append",
        default=[],
        metavar="ID",
        help="run only these rules (repeatable)",
    )
    group.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file (default: .pat-scan.yaml or pyproject.toml)",
    )
    return shared


def policy_options() -> argparse.ArgumentParser:
    """--min-confidence and --fail-on alone, for a command with outputs of its own (fleet)."""
    shared = argparse.ArgumentParser(add_help=False)
    _add_policy(shared.add_argument_group("policy"))
    return shared


def _add_policy(group: argparse._ArgumentGroup) -> None:
    """--min-confidence and --fail-on: what makes a run fail."""
    from pat_scan.rules import CONFIDENCES, SEVERITIES

    group.add_argument(
        "--min-confidence",
        choices=CONFIDENCES,
        help="lowest confidence that fails the run (default: medium)",
    )
    group.add_argument(
        "--fail-on", choices=SEVERITIES, help="lowest severity that fails the run (default: low)"
    )


def output_options() -> argparse.ArgumentParser:
    """Options every scanning command shares."""
    from pat_scan.reporters import FORMATS

    shared = argparse.ArgumentParser(add_help=False)
    group = shared.add_argument_group("output")
    group.add_argument("--format", choices=FORMATS, default="text")
    group.add_argument("--output", "-o", metavar="FILE", help="write the report here")
    _add_policy(group)
    group.add_argument(
        "--redact",
        choices=("partial", "none"),
        default="partial",
        help="'none' prints full secrets (default: partial)",
    )
    group.add_argument(
        "--show-suppressed", action="store_true", help="also list what was suppressed, and why"
    )
    group.add_argument(
        "--no-foreign-markers",
        action="store_true",
        help="ignore other tools' inline markers (# nosec, # noqa: S105, trufflehog:ignore, ...)",
    )
    group.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    group.add_argument(
        "--baseline",
        metavar="FILE",
        help="accepted findings (default: config `baseline`, else .pat-scan-baseline.json)",
    )
    group.add_argument(
        "--fail-on-stale-baseline",
        action="store_true",
        help="fail when baseline entries no longer match anything",
    )
    group.add_argument(
        "--allow-unscanned",
        action="store_true",
        help="files that could not be checked (unreadable, partly checked) do not fail the run "
        "(they still fail it with exit 3 by default)",
    )
    return shared


if __name__ == "__main__":
    raise SystemExit(main())
