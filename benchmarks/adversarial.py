"""Hostile files against both engines: each a 10 MB file of one shape that once made a stage
quadratic, or that a scanner could be made to give up on. Wall time and peak memory of a whole
`pat-scan scan` process, with the Hyperscan and the pure-Python engine.

    python benchmarks/adversarial.py              # every shape, 10 MB each, in a temporary folder
    python benchmarks/adversarial.py --megabytes 2 --shapes password-line,token-per-line

Targets (issue 12): each file in at most 2 s with Hyperscan and 10 s with the Python engine, and
memory at most 5x the file (counted above a run on an empty file, which is the interpreter and
the rules). The tests check linearity by counting work; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import statistics
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.compare import pat_scan_command
from benchmarks.corpus import MB
from pat_scan.validators import CHECKS


def _token(rng: random.Random) -> str:
    return CHECKS["github_crc32"].generate(rng, "ghp_")


def _repeat(unit: bytes, size: int) -> bytes:
    return unit * (size // len(unit))


def _lines(size: int, line: Callable[[int], bytes]) -> bytes:
    out, total, n = [], 0, 0
    while total < size:
        text = line(n)
        out.append(text)
        total += len(text)
        n += 1
    return b"".join(out)


def _words(rng: random.Random, count: int) -> str:
    return " ".join("".join(rng.choices(string.ascii_lowercase, k=6)) for _ in range(count))


def shapes(seed: int) -> dict[str, Callable[[int], bytes]]:
    """Name -> a maker of `size` bytes of that shape."""
    rng = random.Random(seed)

    def encoded_password(n: int) -> bytes:
        secret = "".join(rng.choices(string.ascii_letters + string.digits, k=14))
        return base64.b64encode(f"password={secret}\n".encode()) + b"\n"

    def nested(size: int) -> bytes:
        text = "\n".join(f"token = '{_token(rng)}'" for _ in range(200)).encode()
        for _ in range(3):
            text = base64.b64encode(text)
        return _lines(size, lambda n: text[:1000] + b"\n")

    def minified(size: int) -> bytes:
        parts, total = [], 0
        while total < size:
            piece = f"var a{total}=function(b){{return b.password||b.token}};"
            if rng.random() < 0.01:
                piece += f"c.apiKey='{_token(rng)}';"
            parts.append(piece)
            total += len(piece)
        return "".join(parts).encode()

    return {
        "password-line": lambda size: _repeat(b"password=", size),
        "token-per-line": lambda size: _lines(size, lambda n: f"{_token(rng)}\n".encode()),
        "akia-repeats": lambda size: _repeat(b"AKIA", size),
        "ghp-repeats": lambda size: _repeat(b"ghp_", size),
        "https-repeats": lambda size: _repeat(b"https://", size),
        "base64-passwords": lambda size: _lines(size, encoded_password),
        "long-base64-line": lambda size: base64.b64encode(_words(rng, size // 9).encode())[:size],
        "nested-base64": nested,
        "key-headers": lambda size: _repeat(b"-----BEGIN RSA PRIVATE KEY-----\n", size),
        "minified-js": minified,
        "percent-lines": lambda size: _lines(
            size, lambda n: f"url=https://h/?q=%41%42%43&pw=p%40ss{n}%21%2F%3D\n".encode()
        ),
        "password-lines": lambda size: _lines(size, lambda n: f"password = 'x{n}y'\n".encode()),
    }


class Measured(NamedTuple):
    wall: float  # seconds, the median of the runs
    peak: int  # bytes, the most of any run
    findings: int


def measure(target: Path, engine: str, runs: int) -> Measured:
    """Run `pat-scan scan` on `target` as its own process. The peak is GNU time's reading of
    the scan process itself: a child forked from this (large) process would inherit its
    high-water mark. --allow-unscanned: a file only partly checked is reported as such, and
    would fail a hook, not this measurement."""
    command = [*pat_scan_command(), "scan", "--no-git", "--allow-unscanned", "--format", "json"]
    walls, peaks, findings = [], [], 0
    with tempfile.TemporaryDirectory(prefix="pat-scan-adversarial-run-") as tmp:
        out_path, err_path = Path(tmp) / "out", Path(tmp) / "err"
        for _ in range(runs):
            with out_path.open("wb") as out, err_path.open("wb") as err:
                started = time.perf_counter()
                subprocess.run(
                    ["/usr/bin/time", "-f", "%M", *command, str(target)],
                    stdout=out,
                    stderr=err,
                    env={**os.environ, "PAT_SCAN_ENGINE": engine},
                    check=False,
                )
                walls.append(time.perf_counter() - started)
            peaks.append(int(err_path.read_text().split()[-1]) * 1024)
            with out_path.open("rb") as out:  # counted, not parsed: the report may be large
                findings = sum(line.count(b'"rule_id": ') for line in out)
    return Measured(statistics.median(walls), max(peaks), findings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=10.0)
    parser.add_argument("--shapes", help="comma-separated names (default: all)")
    parser.add_argument("--engines", default="hyperscan,python")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    if not Path("/usr/bin/time").exists():
        parser.error("needs GNU time at /usr/bin/time (Debian: apt-get install time)")
    makers = shapes(args.seed)
    chosen = args.shapes.split(",") if args.shapes else list(makers)
    size = int(args.megabytes * MB)
    header = f"{'shape':18} {'engine':10} {'wall s':>7} {'peak MB':>8} {'extra/file':>10}"
    print(f"{header} {'findings':>8}")
    with tempfile.TemporaryDirectory(prefix="pat-scan-adversarial-") as tmp:
        folder = Path(tmp)
        (folder / "empty.txt").write_bytes(b"")
        for name in chosen:
            (folder / f"{name}.txt").write_bytes(makers[name](size))
        for engine in args.engines.split(","):
            floor = measure(folder / "empty.txt", engine, 1).peak  # the interpreter and rules
            for name in chosen:
                target = folder / f"{name}.txt"
                result = measure(target, engine, args.runs)
                extra = (result.peak - floor) / target.stat().st_size
                print(
                    f"{name:18} {engine:10} {result.wall:7.2f} {result.peak / 1e6:8.0f} "
                    f"{extra:10.1f} {result.findings:8}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
