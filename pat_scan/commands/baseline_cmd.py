"""`pat-scan baseline create|update|prune|import`: the only commands that write a baseline."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pat_scan.results import Result
    from pat_scan.session import Session
    from pat_scan.suppress.baseline import Entry


def register(commands: Any, *parents: argparse.ArgumentParser) -> None:
    from pat_scan.commands.scan_cmd import add_scan_options

    parser = commands.add_parser("baseline", help="accept known findings without editing history")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    helps = {
        "create": "record every current finding (refuses to replace a baseline without --force)",
        "update": "add current findings to the baseline, keeping its entries",
        "prune": "drop entries that no longer match any finding, and list them",
    }
    for name, text in helps.items():
        action = actions.add_parser(name, parents=parents, help=text, description=text)
        add_scan_options(action)
        action.add_argument("--baseline", metavar="FILE", help="default: .pat-scan-baseline.json")
        if name != "prune":
            action.add_argument(
                "--any-path",
                action="store_true",
                help="entries match the secret in any file (default: only in the same file)",
            )
        if name == "create":
            action.add_argument("--force", action="store_true", help="replace an existing one")
        action.set_defaults(handler=run, action=name)
    importer = actions.add_parser(
        "import",
        parents=parents,
        help="convert a detect-secrets .secrets.baseline or a gitleaks report/.gitleaksignore",
    )
    importer.add_argument("source", metavar="FILE", help="the other scanner's baseline")
    add_scan_options(importer)
    importer.add_argument("--baseline", metavar="FILE", help="default: .pat-scan-baseline.json")
    importer.set_defaults(handler=run_import)


def run(args: argparse.Namespace) -> int:
    from pat_scan.commands.common import ies, report_options
    from pat_scan.commands.scan_cmd import collect
    from pat_scan.errors import UsageError
    from pat_scan.suppress import baseline

    session, result = collect(args, report_options(args))
    target = _target(session)
    if args.action == "create":  # whatever the file holds now is replaced, never read
        if target.exists() and not args.force:
            raise UsageError(f"{target} exists; use `baseline update`, or --force to replace it")
        current = _entries(args, session, result)
        baseline.save(target, current, session.root)
        print(f"pat-scan: wrote {len(current)} entr{ies(len(current))} to {target}")
        return 0
    existing = _existing(target)
    # Version 1 entries that match a finding are rewritten with its version 2 fingerprint.
    upgraded = baseline.converted(result.findings, existing, session.root)
    if args.action == "prune":
        _, _, used = baseline.split(result.findings, existing, session.root)
        dropped = baseline.stale(existing, used, None)
        kept = {upgraded.get(e, e) for e in used}
        baseline.save(target, kept, session.root)
        for entry in sorted(dropped):
            print(f"pruned: {entry}")
        print(f"pat-scan: pruned {len(dropped)} entr{ies(len(dropped))} from {target}")
    else:
        kept = {upgraded.get(e, e) for e in existing}
        added = _entries(args, session, result) - kept
        baseline.save(target, kept | added, session.root)
        print(f"pat-scan: added {len(added)} entr{ies(len(added))} to {target}")
    _say_converted(len(upgraded), sum(e.legacy for e in kept))
    return 0


def _say_converted(converted: int, left: int) -> None:
    from pat_scan.commands.common import ies

    if converted:
        print(f"pat-scan: converted {converted} entr{ies(converted)} to version 2 fingerprints")
    if left:
        print(
            f"pat-scan: {left} version 1 entr{ies(left)} match nothing now and stay as they are; "
            "`pat-scan baseline prune` drops them"
        )


def run_import(args: argparse.Namespace) -> int:
    from pat_scan.commands.common import ies, report_options
    from pat_scan.commands.scan_cmd import collect
    from pat_scan.suppress import baseline, migrate

    source = Path(args.source)
    wanted = migrate.read(source)
    session, result = collect(args, report_options(args))
    matched = [f for f in result.findings if wanted.accepts(f, session.root)]
    entries = {baseline.entry_for(f, session.root) for f in matched}
    target = _target(session)
    baseline.save(target, {*_existing(target), *entries}, session.root)
    print(
        f"pat-scan: imported {len(entries)} entr{ies(len(entries))} from {source} "
        f"({wanted.kind}; {wanted.size} in the source) into {target}"
    )
    return 0


def _entries(args: argparse.Namespace, session: Session, result: Result) -> set[Entry]:
    """The current findings as baseline entries (create and update)."""
    from pat_scan.suppress import baseline

    return {baseline.entry_for(f, session.root, args.any_path) for f in result.findings}


def _existing(target: Path) -> tuple[Entry, ...]:
    from pat_scan.suppress import baseline

    return baseline.load(target) if target.exists() else ()


def _target(session: Session) -> Path:
    """Where the baseline is written: the one in use, else the default name at the root."""
    from pat_scan.suppress.baseline import DEFAULT_NAME

    return session.baseline_path or session.root / DEFAULT_NAME
