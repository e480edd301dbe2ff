"""`pat-scan history` against Betterleaks, Kingfisher and the `git cat-file` floor on whole
repositories: wall time and peak memory of each process (compare.py's `measure`).

    python benchmarks/history_bench.py --repo /tmp/pytest-src
    python benchmarks/history_bench.py --make-synthetic /tmp/synthetic  # 10,087 commits reachable

The synthetic repository is written with one `git fast-import` stream: COMMITS commits over a
few hundred files of generated Python, each commit changing one file, with a credential-shaped
string (a fake AWS key id) every few hundred commits. The incremental row runs
`pat-scan history --incremental` once to fill the store, then measures re-runs with nothing new.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.compare import (
    KINGFISHER_OK,
    Tool,
    betterleaks_command,
    count_findings,
    find_binary,
    pat_scan_command,
)


class TreeRun(NamedTuple):
    wall: float  # seconds
    cpu: float  # user + sys seconds of the process and every child it waited for
    tree_peak: int  # bytes: the largest sum of RSS over the process and its descendants
    code: int
    stdout: bytes
    stderr: bytes


SAMPLE_EVERY = 0.05  # seconds between two looks at the process tree


def run_tree(command: list[str], cwd: Path | None = None) -> TreeRun:
    """Run `command`, sampling the summed RSS of it and all its descendants (git children, pool
    workers) every SAMPLE_EVERY seconds: the memory the whole scan holds at once, which a
    single process's ru_maxrss does not show. Shared pages (a pack mapped by several git
    processes) count once per process, as `ps` and the kernel's RSS do. Linux (/proc) only."""
    with tempfile.TemporaryDirectory(prefix="pat-scan-history-bench-") as tmp:
        out_path, err_path = Path(tmp, "stdout"), Path(tmp, "stderr")
        with out_path.open("wb") as out, err_path.open("wb") as err:
            started = time.perf_counter()
            process = subprocess.Popen(command, stdout=out, stderr=err, cwd=cwd or tmp)
            peak = [0]
            done = threading.Event()

            def sample() -> None:
                while not done.wait(SAMPLE_EVERY):
                    peak[0] = max(peak[0], _tree_rss(process.pid))

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - started
            done.set()
            sampler.join()
        process.returncode = code = os.waitstatus_to_exitcode(status)
        cpu = usage.ru_utime + usage.ru_stime
        tree_peak = max(peak[0], usage.ru_maxrss * 1024)
        return TreeRun(wall, cpu, tree_peak, code, out_path.read_bytes(), err_path.read_bytes())


def _tree_rss(root: int) -> int:
    """Summed resident memory of process `root` and its descendants, in bytes."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_bytes()
            except OSError:  # gone meanwhile
                continue
            parent = int(stat.rsplit(b")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    pending = [root]
    while pending:
        pid = pending.pop()
        pending.extend(children.get(pid, ()))
        try:
            total += int(Path(f"/proc/{pid}/statm").read_bytes().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
    return total


def make_synthetic(target: Path, commits: int, files: int, seed: int) -> None:
    rng = random.Random(seed)
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    contents = [_module(rng, 200) for _ in range(files)]
    process = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=target, stdin=subprocess.PIPE)
    assert process.stdin is not None
    for n in range(commits):
        index = rng.randrange(files)
        lines = contents[index].splitlines(keepends=True)
        lines[rng.randrange(len(lines))] = f"value_{n} = {rng.random()!r}\n"
        if n % 397 == 0:  # a fake key: AKIA + 16 characters (never a real credential)
            fake = "AKIA" + "".join(
                rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16)
            )
            lines.append(f"aws_access_key_id = '{fake}'\n")
        contents[index] = "".join(lines)
        data = contents[index].encode()
        message = f"change {n}".encode()
        branch = "main" if n % 10 else f"topic-{n % 7}"
        header = (
            f"commit refs/heads/{branch}\n"
            f"committer Bench <bench@example.invalid> {1600000000 + n * 60} +0000\n"
            f"data {len(message)}\n"
        ).encode()
        start = b"from refs/heads/main\n" if branch != "main" and n > 0 else b""
        process.stdin.write(header + message + b"\n" + start)
        process.stdin.write(f"M 100644 inline pkg/mod_{index}.py\ndata {len(data)}\n".encode())
        process.stdin.write(data + b"\n")
    process.stdin.close()
    if process.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "main"], cwd=target, check=True)


def _module(rng: random.Random, lines: int) -> str:
    words = ["alpha", "beta", "gamma", "delta", "omega", "config", "value", "result"]
    body = [
        f"def {rng.choice(words)}_{i}(x):\n    return x * {rng.randint(1, 99)}\n"
        for i in range(lines // 2)
    ]
    return "".join(body)


def tools(repo: Path) -> list[Tool]:
    found: list[Tool] = []
    pat = [*pat_scan_command(), "history", str(repo), "--format", "json"]
    found.append(Tool("pat-scan history", pat))
    found.append(Tool("pat-scan history --no-commit-messages", [*pat, "--no-commit-messages"]))
    found.append(Tool("pat-scan history --jobs 1", [*pat, "--jobs", "1"]))
    betterleaks = find_binary("betterleaks")
    if betterleaks:
        found.append(Tool("betterleaks git", betterleaks_command(betterleaks, "git", str(repo))))
    kingfisher = find_binary("kingfisher")
    if kingfisher:
        command = [kingfisher, "scan", str(repo), "--no-validate", "--no-update-check"]
        command += ["--format", "json", "--quiet"]
        found.append(Tool("kingfisher scan", command, ok_codes=KINGFISHER_OK))
    # Read every object and throw it away: writing 1 GB to a file would time the disk instead.
    floor = ["sh", "-c", "git cat-file --batch-all-objects --batch > /dev/null"]
    found.append(Tool("git cat-file floor", floor, ok_codes=(0,), cwd=repo))
    return found


INCREMENTAL = "pat-scan history --incremental (nothing new)"


def incremental(repo: Path) -> Tool:
    command = [*pat_scan_command(), "history", str(repo), "--format", "json", "--incremental"]
    subprocess.run(command, stdout=subprocess.DEVNULL, check=False)  # fill the store
    return Tool(INCREMENTAL, command)


class Described(NamedTuple):
    commits: int
    blobs: int  # unique blobs reachable
    blob_bytes: int  # their total size


def _describe(repo: Path) -> Described:
    """Reachable commits and the unique blobs they hold (the work a history scan has)."""

    def git(*args: str, stdin: bytes | None = None) -> bytes:
        return subprocess.run(
            ["git", *args], cwd=repo, input=stdin, capture_output=True, check=True
        ).stdout

    commits = int(git("rev-list", "--all", "--count"))
    listed = git("rev-list", "--objects", "--filter=object:type=blob", "--all")
    ids = {line.split(b" ", 1)[0] for line in listed.splitlines()}
    sizes = git("cat-file", "--batch-check=%(objectsize)", stdin=b"\n".join(ids) + b"\n")
    return Described(commits, len(ids), sum(int(size) for size in sizes.split()))


def _paired(chosen: list[Tool], runs: int, warmup: int) -> dict[str, list[TreeRun] | str]:
    """Each tool run `runs` times (after `warmup` unmeasured rounds), interleaved: every round
    runs each tool once, so a busy spell on a shared machine falls on all of them alike."""
    measured: dict[str, list[TreeRun] | str] = {tool.name: [] for tool in chosen}
    for round_index in range(warmup + runs):
        for tool in chosen:
            done = measured[tool.name]
            if isinstance(done, str):
                continue
            run = run_tree(tool.command, tool.cwd)
            if run.code not in tool.ok_codes:
                tail = run.stderr.decode(errors="replace").strip().splitlines()[-3:]
                measured[tool.name] = f"exit {run.code}: " + " | ".join(tail)
            elif round_index >= warmup:
                done.append(run)
        print(f"  round {round_index + 1} done", file=sys.stderr)
    return measured


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, action="append", default=[])
    parser.add_argument("--make-synthetic", type=Path, metavar="DIR")
    parser.add_argument("--commits", type=int, default=11_200)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument(
        "--only", action="append", default=[], metavar="NAME", help="only this tool (repeatable)"
    )
    args = parser.parse_args(argv)
    repos = list(args.repo)
    if args.make_synthetic:
        if not args.make_synthetic.exists():
            make_synthetic(args.make_synthetic, args.commits, args.files, seed=1)
        repos.append(args.make_synthetic)
    for repo in repos:
        described = _describe(repo)
        gigabytes = described.blob_bytes / 1e9
        print(
            f"\n{repo}: {described.commits} commits, {described.blobs} unique blobs, "
            f"{gigabytes:.2f} GB"
        )
        print(
            f"{'tool':48} {'wall s':>7} {'cpu s':>7} {'s/GB':>6} {'tree MB':>8} "
            f"{'findings':>8}  (medians; tree: peak summed RSS)"
        )
        chosen = tools(repo)
        if not args.only or INCREMENTAL in args.only:
            chosen.append(incremental(repo))  # writes its store in the repository's git dir
        if args.only:
            chosen = [tool for tool in chosen if tool.name in args.only]
        for name, result in _paired(chosen, args.runs, args.warmup).items():
            if isinstance(result, str):
                print(f"{name:48} error: {result}")
                continue
            wall = statistics.median(run.wall for run in result)
            cpu = statistics.median(run.cpu for run in result)
            tree = max(run.tree_peak for run in result) / 1e6
            found = count_findings(result[-1].stdout)
            shown = "" if found is None else str(found)
            per_gb = wall / gigabytes if gigabytes else 0.0
            print(f"{name:48} {wall:7.2f} {cpu:7.1f} {per_gb:6.2f} {tree:8.0f} {shown:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
