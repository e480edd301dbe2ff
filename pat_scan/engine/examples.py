"""Proof that rules find their examples and not their negative examples (`pat-scan rules check`
and the test suite run it under every engine)."""

from __future__ import annotations

from collections.abc import Sequence

from pat_scan.rules import Rule
from pat_scan.rules.templates import expanded


def check(rules: Sequence[Rule], kind: str) -> list[str]:
    """Every problem with the rules' examples under one engine, as lines naming the rule."""
    from pat_scan import engine

    matcher = engine.create(rules, kind)
    problems: list[str] = []
    for rule in rules:
        positives, negatives = expanded(rule)
        for number, example in enumerate(positives, 1):
            found = matcher.scan(example.text.encode(), example.path, every=True)
            hits = [m for m in found if m.rule.id == rule.id]
            live = [m for m in hits if m.suppressed is None]
            if not live:
                why = f" (suppressed: {hits[0].suppressed})" if hits else ""
                problems.append(
                    f"{rule.source}: {rule.id}: example {number} not found{why} [{kind}]"
                )
            elif example.confidence and live[0].confidence != example.confidence:
                problems.append(
                    f"{rule.source}: {rule.id}: example {number} found at {live[0].confidence} "
                    f"confidence, expected {example.confidence} [{kind}]"
                )
        for number, example in enumerate(negatives, 1):
            hits = matcher.scan(example.text.encode(), example.path, every=True)
            if any(m.rule.id == rule.id and m.suppressed is None for m in hits):
                problems.append(
                    f"{rule.source}: {rule.id}: negative example {number} was found [{kind}]"
                )
    return problems
