"""Conformance over peer scanners' labelled rule examples (shared/vectors/peer_examples.jsonl).

    python benchmarks/conformance.py [--vectors PATH] [--misses 20] [--json]

Scored as the vectors' README says: each record's text is scanned on its own as one file (named
after the basename of its `path`, else the neutral `rules.EXAMPLE_PATH`, a name pat-scan reads as
a source file: `sample.txt` would be an example file, where nothing without a checksum blocks); a
`secret` record counts as found when any finding is reported at any confidence (low included), a
`not-secret` record as a false positive when any finding is reported. The same is scored at the
blocking level (only findings that fail a default run), which is what a user feels. Placeholder-
like secrets are reported separately. Results per source and per provider. No time is measured.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

DEFAULT_VECTORS = (
    Path(__file__).resolve().parents[1].parent / "shared" / "vectors" / "peer_examples.jsonl"
)


class Outcome(NamedTuple):
    record: dict[str, Any]
    rules: frozenset[str]  # ids of the rules that reported the record (any confidence)
    blocking: frozenset[str] = frozenset()  # ids of those whose finding blocks by default

    @property
    def reported(self) -> bool:
        return bool(self.rules)

    def at_blocking_level(self) -> Outcome:
        return self._replace(rules=self.blocking)


class Score(NamedTuple):
    found: int
    secrets: int
    false_positives: int
    negatives: int

    @property
    def recall(self) -> float:
        return self.found / self.secrets if self.secrets else 1.0

    @property
    def fp_rate(self) -> float:
        return self.false_positives / self.negatives if self.negatives else 0.0


def load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def evaluate(records: Iterable[dict[str, Any]]) -> list[Outcome]:
    from pat_scan import engine, scan
    from pat_scan.config import Config
    from pat_scan.options import RuleOptions
    from pat_scan.results import Policy
    from pat_scan.rules import EXAMPLE_PATH
    from pat_scan.session import load_rules
    from pat_scan.sources import Blob

    config = Config(root=Path.cwd())
    matcher = engine.create(load_rules(config, RuleOptions()))
    policy = Policy()
    outcomes = []
    for record in records:
        name = Path(record["path"]).name if record.get("path") else EXAMPLE_PATH
        blob = Blob(name, record["text"].encode("utf-8", "surrogatepass"))
        result = scan.scan_entries([(blob, None)], matcher, config)
        outcomes.append(
            Outcome(
                record,
                frozenset(f.rule.id for f in result.findings),
                frozenset(f.rule.id for f in result.findings if policy.blocks(f)),
            )
        )
    return outcomes


def score(outcomes: Iterable[Outcome]) -> Score:
    found = secrets = false_positives = negatives = 0
    for outcome in outcomes:
        if outcome.record["expect"] == "secret":
            secrets += 1
            found += outcome.reported
        else:
            negatives += 1
            false_positives += outcome.reported
    return Score(found, secrets, false_positives, negatives)


def split(outcomes: Sequence[Outcome]) -> dict[str, list[Outcome]]:
    """The README's groups: real-looking secrets, placeholder-like ones, and negatives."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        record = outcome.record
        if record["expect"] != "secret":
            groups["negatives"].append(outcome)
        elif record.get("placeholder_like"):
            groups["placeholder-like"].append(outcome)
        else:
            groups["secrets"].append(outcome)
    return groups


def summary(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    groups = split(outcomes)
    real = score(groups["secrets"] + groups["negatives"])
    by_source: dict[str, Any] = {}
    for source in sorted({o.record["source"] for o in outcomes}):
        mine = [o for o in groups["secrets"] + groups["negatives"] if o.record["source"] == source]
        counted = score(mine)
        by_source[source] = {
            "recall": round(counted.recall, 4),
            "found": counted.found,
            "secrets": counted.secrets,
            "fp_rate": round(counted.fp_rate, 4),
            "false_positives": counted.false_positives,
            "negatives": counted.negatives,
        }
    placeholder = score(groups["placeholder-like"])
    blocking = score(o.at_blocking_level() for o in groups["secrets"] + groups["negatives"])
    return {
        "blocking_recall": round(blocking.recall, 4),
        "blocking_found": blocking.found,
        "blocking_fp_rate": round(blocking.fp_rate, 4),
        "blocking_false_positives": blocking.false_positives,
        "recall": round(real.recall, 4),
        "found": real.found,
        "secrets": real.secrets,
        "fp_rate": round(real.fp_rate, 4),
        "false_positives": real.false_positives,
        "negatives": real.negatives,
        "placeholder_like_reported": placeholder.found,
        "placeholder_like": placeholder.secrets,
        "by_source": by_source,
    }


def by_provider(outcomes: Sequence[Outcome]) -> list[tuple[str, Score]]:
    grouped: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        if not outcome.record.get("placeholder_like"):
            grouped[outcome.record["provider"]].append(outcome)
    return sorted(((p, score(o)) for p, o in grouped.items()), key=lambda item: item[0])


def print_report(outcomes: Sequence[Outcome], misses: int) -> None:
    result = summary(outcomes)
    print(
        f"secrets (not placeholder-like): recall {result['recall']:.1%} "
        f"({result['found']}/{result['secrets']})"
    )
    print(
        f"not-secret records: false positives {result['fp_rate']:.1%} "
        f"({result['false_positives']}/{result['negatives']})"
    )
    print(
        f"blocking level (default --min-confidence medium): recall {result['blocking_recall']:.1%} "
        f"({result['blocking_found']}/{result['secrets']}), false positives "
        f"{result['blocking_fp_rate']:.1%} "
        f"({result['blocking_false_positives']}/{result['negatives']})"
    )
    print(
        f"placeholder-like secrets reported: {result['placeholder_like_reported']}"
        f"/{result['placeholder_like']} (suppressing placeholders is intended)"
    )
    print(f"\n{'source':<16} {'recall':>8} {'found':>11} {'FP rate':>8} {'FPs':>9}")
    for source, row in result["by_source"].items():
        print(
            f"{source:<16} {row['recall']:>8.1%} {row['found']:>5}/{row['secrets']:<5} "
            f"{row['fp_rate']:>8.1%} {row['false_positives']:>4}/{row['negatives']:<4}"
        )
    providers = by_provider(outcomes)
    worst = sorted(
        (item for item in providers if item[1].secrets),
        key=lambda item: (item[1].found - item[1].secrets, item[0]),
    )
    print("\nproviders with the most missed secrets:")
    for provider, counted in worst[:15]:
        print(f"  {provider:<40} {counted.found}/{counted.secrets}")
    noisy = Counter({p: s.false_positives for p, s in providers if s.false_positives})
    if noisy:
        print("providers with false positives:")
        for provider, count in noisy.most_common(15):
            print(f"  {provider:<40} {count}")
    if misses:
        missed = [o for o in split(outcomes)["secrets"] if not o.reported][:misses]
        print(f"\nfirst {len(missed)} missed secrets (provider, source rule, text):")
        for outcome in missed:
            text = outcome.record["text"].replace("\n", "\\n")
            print(f"  {outcome.record['provider']} [{outcome.record['source_rule']}] {text[:100]}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vectors", type=Path, default=DEFAULT_VECTORS)
    parser.add_argument("--misses", type=int, default=0, help="print the first N missed secrets")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    if not args.vectors.is_file():
        print(f"no vectors at {args.vectors} (they live in the shared folder)", file=sys.stderr)
        return 2
    outcomes = evaluate(load(args.vectors))
    if args.json:
        print(json.dumps(summary(outcomes), indent=2))
    else:
        print_report(outcomes, args.misses)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
