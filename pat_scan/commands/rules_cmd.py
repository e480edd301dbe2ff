"""`pat-scan rules list` and `pat-scan rules check [PATH...]`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pat_scan.rules import Rule


def register(commands: Any, *parents: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("rules", help="list or check rule packs")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", parents=parents, help="id, severity, pack, validator")
    listing.set_defaults(handler=run_list)
    check = actions.add_parser(
        "check",
        parents=parents,
        help="prove every example is found and every negative example is not, under both engines",
    )
    check.add_argument(
        "packs",
        nargs="*",
        metavar="PATH",
        help="packs to check (default: the built-in packs and --rules)",
    )
    check.set_defaults(handler=run_check)


def _selected(args: argparse.Namespace) -> list[Rule]:
    from pathlib import Path

    from pat_scan.commands.common import rule_options
    from pat_scan.config import discover
    from pat_scan.session import load_rules

    selection = rule_options(args)
    return load_rules(discover(selection.config, Path.cwd()), selection, examples=True)


def run_list(args: argparse.Namespace) -> int:
    rules = _selected(args)
    width = max((len(r.id) for r in rules), default=2)
    print(f"{'ID':<{width}}  {'SEVERITY':<8}  {'PACK':<12}  VALIDATOR")
    for rule in rules:
        print(f"{rule.id:<{width}}  {rule.severity:<8}  {rule.pack:<12}  {rule.validator or '-'}")
    print(f"{len(rules)} rules")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from pat_scan import engine
    from pat_scan import rules as rule_packs
    from pat_scan.engine.examples import check

    rules = rule_packs.load(args.packs, builtin=False) if args.packs else _selected(args)
    kinds = engine.available_kinds()
    problems = [
        f"{r.source}: {r.id}: needs >= 2 examples and >= 1 negative example"
        for r in rules
        if len(r.examples) < 2 or not r.negative_examples
    ]
    problems += [p for kind in kinds for p in check(rules, kind)]
    for problem in problems:
        print(problem)
    examples = sum(len(r.examples) + len(r.negative_examples) for r in rules)
    verdict = "FAILED" if problems else "ok"
    print(
        f"rules check: {verdict}: {len(rules)} rules, {examples} examples, "
        f"engines: {', '.join(kinds)}, {len(problems)} problem(s)"
    )
    return 1 if problems else 0
