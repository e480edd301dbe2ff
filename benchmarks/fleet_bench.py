"""`pat-scan fleet` over many repositories: wall time and peak memory with the local pool and
on Dask with 1 and 2 workers (real `dask scheduler` / `dask worker` processes), a re-run with
nothing new, the overhead per repository against a plain `pat-scan history`, and a model of
10,000 repositories fitted to what was measured.

    python benchmarks/fleet_bench.py --workdir /tmp/fleet-bench
    python benchmarks/fleet_bench.py --workdir /tmp/fleet-bench --real /path/to/mirror.git ...

The 200 generated repositories are written with `git fast-import` (history_bench's generator):
commit counts drawn from a log-normal distribution (median 150, a long tail clipped at 5,000;
most of an organisation's repositories are small, a few are large), 10-300 files of generated
Python, branches every tenth commit, and a generated GitHub token on a side branch of every
fifth repository. They are reused when the parameters match. Memory is the resident set of
whole process trees (the client and its scanning children; for Dask also the scheduler, the
nannies and the workers), sampled every 0.1 s; "peak" is the largest sum seen at one time.
Requires the `dask` extra (distributed, psutil).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, NamedTuple

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil

from benchmarks.compare import pat_scan_command
from benchmarks.history_bench import make_synthetic

MARKER = ".fleet-bench.json"
MIB = 1 << 20
ENVIRONMENT = {  # commits the generator adds on side branches
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
}


# ---------------------------------------------------------------------------------------------
# The repositories
# ---------------------------------------------------------------------------------------------


def sizes(count: int, seed: int) -> list[tuple[int, int]]:
    """(commits, files) of each generated repository."""
    rng = random.Random(seed)
    drawn = []
    for _ in range(count):
        commits = int(min(max(rng.lognormvariate(math.log(150), 1.1), 10), 5000))
        files = int(min(max(commits / 4, 10), 300))
        drawn.append((commits, files))
    return drawn


def generate(folder: Path, count: int, seed: int) -> list[Path]:
    from pat_scan.validators import CHECKS

    params = {"count": count, "seed": seed, "version": 1}
    marker = folder / MARKER
    repos = [folder / f"repo-{n:03d}" for n in range(count)]
    if marker.is_file() and json.loads(marker.read_text()) == params:
        return repos
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **ENVIRONMENT}
    rng = random.Random(seed)
    started = time.monotonic()
    for n, (repo, (commits, files)) in enumerate(zip(repos, sizes(count, seed), strict=True)):
        if repo.exists():
            subprocess.run(["rm", "-rf", str(repo)], check=True)
        make_synthetic(repo, commits, files, seed=seed + n)
        if n % 5 == 0:  # a token on a branch that was never merged
            secret = CHECKS["github_crc32"].generate(rng, "ghp_")
            subprocess.run(["git", "checkout", "-q", "-b", "hotfix"], cwd=repo, check=True)
            (repo / "deploy.py").write_text(f"GITHUB_TOKEN = '{secret}'\n")
            subprocess.run(["git", "add", "deploy.py"], cwd=repo, check=True)
            subprocess.run(["git", "commit", "-qm", "deploy"], cwd=repo, env=env, check=True)
            subprocess.run(["git", "checkout", "-q", "main"], cwd=repo, check=True)
    marker.write_text(json.dumps(params))
    print(f"generated {count} repositories in {time.monotonic() - started:.0f} s", flush=True)
    return repos


def describe(repos: Sequence[Path]) -> tuple[int, int]:
    """(commits, bytes of pack and loose objects) of all of them."""
    commits = nbytes = 0
    for repo in repos:
        out = subprocess.run(
            ["git", "rev-list", "--all", "--count"], cwd=repo, capture_output=True, check=True
        )
        commits += int(out.stdout)
        git_dir = repo / ".git" if (repo / ".git").is_dir() else repo
        nbytes += sum(p.stat().st_size for p in (git_dir / "objects").rglob("*") if p.is_file())
    return commits, nbytes


# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------


class Peak:
    """The largest resident set of some process trees, summed at one moment, and of the first
    tree alone; sampled in a thread."""

    def __init__(self, roots: Sequence[int]) -> None:
        self.roots = list(roots)
        self.total = 0
        self.first = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> Peak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.is_set():
            sums = [_tree_rss(pid) for pid in self.roots]
            self.total = max(self.total, sum(sums))
            self.first = max(self.first, sums[0] if sums else 0)
            self._stop.wait(0.1)


def _tree_rss(pid: int) -> int:
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        with suppress(psutil.NoSuchProcess):
            total += process.memory_info().rss
    return total


class Measured(NamedTuple):
    label: str
    wall: float
    client_peak: int  # bytes: the fleet process and its children
    total_peak: int  # bytes: with the Dask processes
    code: int
    outcomes: dict[str, int]


def fleet(
    label: str,
    args: Sequence[str],
    workdir: Path,
    cache: Path,
    inventory: Path,
    others: Sequence[int] = (),
) -> Measured:
    command = [*pat_scan_command(), "fleet", *args, "--cache-dir", str(cache)]
    command += ["--inventory", str(inventory), "--format", "json", "-o", str(workdir / "out.json")]
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with Peak([process.pid, *others]) as peak:
        _, err = process.communicate()
    wall = time.monotonic() - started
    if process.returncode not in (0, 1):
        print(f"{label}: exit {process.returncode}: {err.decode()[-2000:]}", file=sys.stderr)
    document = json.loads((workdir / "out.json").read_text())
    coverage = document["coverage"]
    outcomes = {key: coverage[key] for key in ("scanned", "unchanged", "failed")}
    return Measured(label, wall, peak.first, peak.total, process.returncode, outcomes)


@contextmanager
def dask_cluster(workers: int, folder: Path) -> Iterator[tuple[str, list[int]]]:
    """`dask scheduler` and `dask worker --nworkers N --nthreads 1`, as the README runs them."""
    from distributed import Client

    folder.mkdir(parents=True, exist_ok=True)
    scheduler_file = folder / "scheduler.json"
    scheduler_file.unlink(missing_ok=True)
    dask = [str(Path(sys.executable).with_name("dask"))]  # the command distributed installs
    logs = open(folder / "dask.log", "w")  # noqa: SIM115 - closed below
    scheduler = subprocess.Popen(
        [
            *dask,
            "scheduler",
            "--scheduler-file",
            str(scheduler_file),
            "--port",
            "0",
            "--no-dashboard",
        ],
        stdout=logs,
        stderr=logs,
    )
    while not scheduler_file.exists():
        time.sleep(0.1)
    address = json.loads(scheduler_file.read_text())["address"]
    options = [
        "--nworkers",
        str(workers),
        "--nthreads",
        "1",
        "--no-dashboard",
        "--memory-limit",
        "0",
    ]
    worker = subprocess.Popen(
        [*dask, "worker", address, *options],
        stdout=logs,
        stderr=logs,
    )
    with Client(address) as client:
        client.wait_for_workers(workers, timeout=120)
    try:
        yield address, [scheduler.pid, worker.pid]
    finally:
        for process in (worker, scheduler):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        logs.close()


def inventory_rows(inventory: Path) -> list[tuple[str, str, float, float, float, int]]:
    """(name, outcome, seconds, mirror seconds, scan seconds, bytes scanned) of each one."""
    db = sqlite3.connect(inventory)
    rows = db.execute(
        "SELECT name, outcome, seconds, mirror_seconds, scan_seconds, bytes FROM repositories"
    ).fetchall()
    db.close()
    return rows


def history_each(repos: Sequence[Path]) -> list[float]:
    """Wall seconds of `pat-scan history --jobs 1` on each repository, as its own process."""
    walls = []
    for repo in repos:
        started = time.monotonic()
        subprocess.run(
            [*pat_scan_command(), "history", str(repo), "--format", "json", "--jobs", "1"],
            stdout=subprocess.DEVNULL,
            check=False,
        )
        walls.append(time.monotonic() - started)
    return walls


# ---------------------------------------------------------------------------------------------
# 10,000 repositories
# ---------------------------------------------------------------------------------------------


def fit(rows: Sequence[tuple[str, str, float, float, float, int]]) -> tuple[float, float]:
    """Seconds per repository = a + b * MB scanned, by least squares over scanned ones."""
    points = [(r[5] / 1e6, r[2]) for r in rows if r[1] == "scanned"]
    mean_x = statistics.fmean(x for x, _ in points)
    mean_y = statistics.fmean(y for _, y in points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    b = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0
    return mean_y - b * mean_x, b


def makespan(durations: Sequence[float], workers: int) -> float:
    """Repositories handed to whichever worker is free first, in listing order."""
    import heapq

    free = [0.0] * workers
    for duration in durations:
        heapq.heapreplace(free, free[0] + duration)
    return max(free)


def model(
    rows: Sequence[tuple[str, str, float, float, float, int]],
    per_task: float,
    unchanged: float,
    seed: int,
) -> list[str]:
    a, b = fit(rows)
    scanned = [r[5] / 1e6 for r in rows if r[1] == "scanned"]
    rng = random.Random(seed)
    drawn = [rng.choice(scanned) for _ in range(10_000)]  # sizes as measured, resampled
    durations = [a + b * mb + per_task for mb in drawn]
    lines = [
        f"fit: seconds per repository = {a:.3f} + {b:.4f} x MB scanned "
        f"(+ {per_task:.3f} s Dask dispatch), {sum(drawn) / 1e3:.1f} GB in all",
        "",
        "| workers (1 thread each) | first run | re-run, nothing new |",
        "| ---: | ---: | ---: |",
    ]
    for workers in (2, 8, 32, 128):
        first = makespan(durations, workers)
        again = 10_000 * (unchanged + per_task) / workers
        lines.append(f"| {workers} | {_hours(first)} | {_hours(again)} |")
    lines += [
        "",
        f"longest repository: {max(durations):.1f} s (one process scans it: a floor on the wall "
        "time however many workers there are)",
    ]
    return lines


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.2f} h" if seconds >= 3600 else f"{seconds / 60:.1f} min"


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--repos", type=int, default=200)
    parser.add_argument("--real", type=Path, action="append", default=[], metavar="MIRROR")
    parser.add_argument("--sample", type=int, default=30, help="repositories for the overhead")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args(argv)
    workdir = args.workdir.resolve()
    generated = generate(workdir / "repos", args.repos, args.seed)
    repos = [*generated, *(p.resolve() for p in args.real)]
    listed = workdir / "repos.txt"
    listed.write_text("".join(f"{repo}\n" for repo in repos))
    commits, nbytes = describe(repos)
    print(
        f"{len(generated)} generated + {len(args.real)} real repositories: {commits} commits, "
        f"{nbytes / MIB:.0f} MiB of objects; {os.cpu_count()} CPUs",
        flush=True,
    )

    results: list[Measured] = []
    rows: dict[str, Any] = {}
    runs = workdir / "runs"
    subprocess.run(["rm", "-rf", str(runs)], check=True)
    modes = (("local pool (2 processes)", 0), ("Dask, 1 worker", 1), ("Dask, 2 workers", 2))
    for label, workers in modes:
        folder = runs / (f"dask{workers}" if workers else "local")
        folder.mkdir(parents=True)
        cache, inventory = folder / "cache", folder / "inventory.sqlite"
        common = ["--repos-file", str(listed)]
        if workers == 0:
            common += ["--jobs", "2"]
            first = fleet(label, common, folder, cache, inventory)
            rows[label] = inventory_rows(inventory)
            again = fleet(label + ", re-run", common, folder, cache, inventory)
        else:
            with dask_cluster(workers, folder) as (address, pids):
                common += ["--dask", address]
                first = fleet(label, common, folder, cache, inventory, pids)
                rows[label] = inventory_rows(inventory)
                again = fleet(label + ", re-run", common, folder, cache, inventory, pids)
        results += [first, again]
        print(f"{first.label}: {first.wall:.1f} s; re-run {again.wall:.1f} s", flush=True)

    print(
        "\n| run | wall s | client peak MiB | all processes peak MiB | scanned/unchanged/failed |"
    )
    print("| --- | ---: | ---: | ---: | --- |")
    for m in results:
        outcome = "/".join(str(m.outcomes[k]) for k in ("scanned", "unchanged", "failed"))
        print(
            f"| {m.label} | {m.wall:.1f} | {m.client_peak / MIB:.0f} | "
            f"{m.total_peak / MIB:.0f} | {outcome} |"
        )

    # Overhead per repository: the same repositories through `pat-scan history` one process
    # each, and through the fleet with one process (its mirror, inventory and child included).
    sample = repos[:: max(len(repos) // args.sample, 1)][: args.sample]
    walls = history_each(sample)
    sample_list = workdir / "sample.txt"
    sample_list.write_text("".join(f"{repo}\n" for repo in sample))
    folder = runs / "sample"
    folder.mkdir()
    one = fleet(
        "fleet --jobs 1", ["--repos-file", str(sample_list), "--jobs", "1"], folder,
        folder / "cache", folder / "inventory.sqlite",
    )  # fmt: skip
    sample_rows = inventory_rows(folder / "inventory.sqlite")
    mirror = statistics.fmean(r[3] for r in sample_rows)
    scan = statistics.fmean(r[4] for r in sample_rows)
    history, per_repo = statistics.fmean(walls), one.wall / len(sample)
    print(f"\nOverhead on {len(sample)} repositories, one at a time (means):")
    print(f"- the history scan itself (timed in the fleet's child): {scan:.3f} s")
    print(
        f"- `pat-scan history --jobs 1`, a process each: {history:.3f} s "
        f"(start-up and the rest: {history - scan:+.3f} s)"
    )
    print(
        f"- `pat-scan fleet --jobs 1`: {per_repo:.3f} s a repository (mirror {mirror:+.3f} s, "
        f"the rest: {per_repo - scan - mirror:+.3f} s)"
    )
    print(f"- fleet against history processes: {per_repo - history:+.3f} s a repository")
    size = (runs / "local" / "inventory.sqlite").stat().st_size
    print(f"- inventory: {size / len(repos) / 1e3:.1f} kB a repository")

    dask2 = rows["Dask, 2 workers"]
    busy = sum(r[2] for r in dask2)
    two = next(m for m in results if m.label == "Dask, 2 workers")
    per_task = max((two.wall * 2 - busy) / len(dask2), 0.0)
    again_local = next(m for m in results if m.label == "local pool (2 processes), re-run")
    unchanged = again_local.wall * 2 / len(repos)
    print("\n10,000 repositories (model):")
    for line in model(rows["local pool (2 processes)"], per_task, unchanged, args.seed):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
