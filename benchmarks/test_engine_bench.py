"""Engine throughput and start-up costs, with pytest-benchmark.

    python -m pytest benchmarks/ --benchmark-only

Not collected by the normal test run (pyproject's testpaths is tests/). Nothing here asserts a
time: the numbers are for reading and for comparing runs (--benchmark-save / --benchmark-compare).
Each throughput benchmark records MB/s (10**6 bytes per second, from the median round) in its
extra_info, and the session prints them in a summary at the end.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from benchmarks.compare import pat_scan_command
from benchmarks.conftest import RESULTS
from benchmarks.corpus import MB, Corpus, generate
from pat_scan import engine
from pat_scan import rules as rule_packs
from pat_scan.rules import Rule

CORPUS_MEGABYTES = 20
CORPUS_SEED = 20240611

HAVE_HYPERSCAN = importlib.util.find_spec("hyperscan") is not None
ENGINES = [
    pytest.param(
        "hyperscan",
        marks=pytest.mark.skipif(not HAVE_HYPERSCAN, reason="hyperscan is not installed"),
    ),
    "python",
]


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return generate(CORPUS_MEGABYTES, CORPUS_SEED)  # documents of 10-50 KB, like source files


@pytest.fixture(scope="module")
def rules(private_cache_dir: str) -> list[Rule]:
    return rule_packs.load()  # also warms the rule cache


@pytest.fixture(scope="module", params=ENGINES)
def matcher(request: pytest.FixtureRequest, rules: list[Rule]) -> engine.Matcher:
    return engine.create(rules, request.param)  # compiles (and caches) the Hyperscan database


def _median(benchmark: Any) -> float | None:
    """The median round in seconds; None when timing is off (--benchmark-disable)."""
    stats = getattr(benchmark, "stats", None)
    return None if stats is None else float(stats.stats.median)


def _record_throughput(benchmark: Any, name: str, nbytes: int, findings: int) -> None:
    median = _median(benchmark)
    if not median:
        return
    rate = nbytes / MB / median
    benchmark.extra_info.update(
        {"MB/s": round(rate, 2), "megabytes": round(nbytes / MB, 2), "findings": findings}
    )
    detail = f"{nbytes / MB:.1f} MB in {median:.3f} s median, {findings} findings"
    RESULTS.append((name, f"{rate:8.1f} MB/s  ({detail})"))


def _record_time(benchmark: Any, name: str) -> None:
    median = _median(benchmark)
    if median is None:
        return
    benchmark.extra_info["median_ms"] = round(median * 1000, 2)
    RESULTS.append((name, f"{median * 1000:8.1f} ms median"))


def test_scan_files(benchmark: Any, matcher: engine.Matcher, corpus: Corpus) -> None:
    """matcher.scan() once per 10-50 KB document, prefilter and confirmation included."""
    documents = [content for _, content in corpus.documents]

    def scan_all() -> int:
        return sum(len(matcher.scan(data)) for data in documents)

    findings = benchmark.pedantic(scan_all, rounds=3, iterations=1, warmup_rounds=1)
    _record_throughput(
        benchmark, f"scan {len(documents)} files [{matcher.kind}]", corpus.size, findings
    )


def test_scan_one_buffer(benchmark: Any, matcher: engine.Matcher, corpus: Corpus) -> None:
    """matcher.scan() over the whole corpus as one buffer."""
    data = corpus.text

    def scan_buffer() -> int:
        return len(matcher.scan(data))

    findings = benchmark.pedantic(scan_buffer, rounds=3, iterations=1, warmup_rounds=1)
    _record_throughput(benchmark, f"scan one buffer [{matcher.kind}]", len(data), findings)


def test_load_rules_warm_cache(benchmark: Any, rules: list[Rule]) -> None:
    """pat_scan.rules.load() when the parsed rules are already in the cache."""
    loaded = benchmark.pedantic(rule_packs.load, rounds=20, iterations=1, warmup_rounds=2)
    benchmark.extra_info["rules"] = len(loaded)
    _record_time(benchmark, f"load {len(loaded)} rules (warm cache)")


@pytest.mark.parametrize("kind", ENGINES)
def test_create_engine_warm_cache(benchmark: Any, rules: list[Rule], kind: str) -> None:
    """engine.create() when the compiled Hyperscan database is already in the cache."""
    engine.create(rules, kind)  # warm the cache
    benchmark.pedantic(engine.create, args=(rules, kind), rounds=10, iterations=1)
    _record_time(benchmark, f"create engine (warm cache) [{kind}]")


@pytest.mark.parametrize("kind", ENGINES)
def test_cli_scan_small_file(
    benchmark: Any, tmp_path: Path, corpus: Corpus, rules: list[Rule], kind: str
) -> None:
    """`pat-scan scan --no-git FILE` on one ~10-50 KB file, as a fresh process (warm cache)."""
    target = tmp_path / "small.py"
    target.write_bytes(corpus.documents[0][1])
    command = [*pat_scan_command(), "scan", "--no-git", "--format", "json", str(target)]
    env = {**os.environ, "PAT_SCAN_ENGINE": kind}

    def run() -> int:
        done = subprocess.run(command, env=env, capture_output=True, check=False)
        if done.returncode not in (0, 1):  # 1 means findings
            raise RuntimeError(done.stderr.decode(errors="replace"))
        return done.returncode

    run()  # warm the rule and engine caches
    benchmark.pedantic(run, rounds=10, iterations=1)
    benchmark.extra_info["file_bytes"] = target.stat().st_size
    _record_time(benchmark, f"cli scan one {target.stat().st_size // 1000} KB file [{kind}]")
