"""What a published fingerprint costs: an attacker's guesses a second on one core, and pat-scan's
cost per finding.

    python benchmarks/fingerprint_cost.py [--seconds 5]

The attacker runs the best CPU implementation there is (OpenSSL's scrypt, which `hashlib` calls)
in one process, one guess after another, as a dictionary attack on one rule's fingerprint does.
Version 1 (SHA-256 of rule and secret) is timed beside it for comparison. pat-scan's cost per
finding is `fingerprints.identity` on distinct secrets, cache cleared: a guessable one (the slow
path) and a checksummed provider token (the fast path). On a shared machine the figures vary
with the load: read them as indicative.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Callable

from pat_scan import fingerprints, kdf
from pat_scan.validators import CHECKS


def rate(guess: Callable[[int], object], seconds: float, limit: int | None = None) -> float:
    """Calls a second of `guess(n)` for n = 0, 1, ... over about `seconds` (at most `limit`)."""
    start = time.perf_counter()
    n = 0
    while time.perf_counter() - start < seconds and n != limit:
        guess(n)
        n += 1
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per measurement")
    seconds = parser.parse_args().seconds
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    rule = "generic-password"
    v2 = rate(
        lambda n: kdf.stretch(f"guess{n}".encode(), b"pat-scan/v2\0" + rule.encode()), seconds
    )
    v1 = rate(lambda n: fingerprints.legacy_identity(rule, f"guess{n}"), seconds)
    print(f"scrypt N={kdf.N}, r={kdf.R}, p={kdf.P} ({128 * kdf.R * kdf.N // 2**20} MiB a guess)")
    print(f"attacker, version 2, guessable secret: {v2:,.0f} guesses/s on one core")
    print(f"attacker, version 1 (sha256):          {v1:,.0f} guesses/s on one core")

    rng = random.Random(1)
    tokens = [CHECKS["github_crc32"].generate(rng, "ghp_") for _ in range(20000)]
    for label, secret_of, limit in (
        ("guessable secret", lambda n: f"password-{n}", None),
        ("checksummed token", tokens.__getitem__, len(tokens)),
    ):
        fingerprints._derive.cache_clear()
        per_second = rate(
            lambda n, of=secret_of: fingerprints.identity(rule, of(n)), seconds / 2, limit
        )
        print(f"pat-scan, per finding, {label}: {1000 / per_second:.3f} ms")
    fingerprints._derive.cache_clear()
    fingerprints.identity(rule, "cached")
    cached = rate(lambda n: fingerprints.identity(rule, "cached"), seconds / 5)
    print(f"pat-scan, the same finding asked again (cached): {1e6 / cached:.2f} µs")


if __name__ == "__main__":
    main()
