"""What the credential judge costs: importing it, reading its model, and scoring one candidate.

    python benchmarks/judge_latency.py [--candidates 2000] [--runs 5]

Import and model load are timed in fresh interpreters (`-X importtime` is not needed: the time
is taken around the import in the child), median of --runs. Scoring is timed in this process on
generated candidates (random values under password, secret, key and token keys, in source and
test paths), after one warm-up pass. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import subprocess
import sys
import time
from collections.abc import Sequence

# pat_scan.engine (the matcher the hook loads anyway) first: what is timed is the judge's own cost.
_CHILD = (
    "import time, pat_scan.engine; t = time.perf_counter(); import pat_scan.engine.judge as j; "
    "a = time.perf_counter(); j.model(); b = time.perf_counter(); "
    "print(a - t, b - a)"
)
_LINES = (
    ("DB_PASSWORD={}", "deploy/.env"),
    ('    password = "{}"', "app/settings.py"),
    ('client_secret: "{}"', "config/app.yml"),
    ('const apiKey = "{}";', "web/src/api.ts"),
    ('token = "{}"', "tests/test_client.py"),
)


def child_times(runs: int) -> tuple[float, float]:
    imports, loads = [], []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", _CHILD], capture_output=True, text=True, check=True
        )
        first, second = done.stdout.split()
        imports.append(float(first))
        loads.append(float(second))
    return statistics.median(imports), statistics.median(loads)


def candidates(count: int) -> list[object]:
    from pat_scan.engine import features

    rng = random.Random(7)
    alphabet = string.ascii_letters + string.digits
    made = []
    for index in range(count):
        template, path = _LINES[index % len(_LINES)]
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(8, 40)))
        data = template.format(value).encode()
        start = data.index(value.encode())
        made.append(
            features.candidate(
                "generic-password", ("generic", "password"), data, start, start + len(value), path
            )
        )
    return made


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    imported, loaded = child_times(args.runs)
    print(
        f"import pat_scan.engine.judge (after pat_scan.engine): {imported * 1000:.1f} ms "
        f"(median of {args.runs})"
    )
    print(f"read the model (first candidate): {loaded * 1000:.1f} ms")
    from pat_scan.engine import judge

    made = candidates(args.candidates)
    for candidate in made[:50]:  # warm-up
        judge.judge(candidate)  # type: ignore[arg-type]
    started = time.perf_counter()
    for candidate in made:
        judge.judge(candidate)  # type: ignore[arg-type]
    per = (time.perf_counter() - started) / len(made)
    print(f"score one candidate (features + {len(judge.model().trees)} trees): {per * 1e6:.0f} µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
