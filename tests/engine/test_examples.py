"""Generated from the rule packs: every example is found, every negative example is not,
under both engines. Adding a rule adds its tests."""

from __future__ import annotations

import pytest

from pat_scan import engine, rules
from pat_scan.engine.examples import check
from pat_scan.engine.matcher import Matcher
from pat_scan.rules.templates import expanded

RULES = rules.load()
ENGINES = {kind: engine.create(RULES, kind) for kind in engine.KINDS}


@pytest.mark.parametrize("kind", engine.KINDS)
@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_examples(rule: rules.Rule, kind: str) -> None:
    matcher: Matcher = ENGINES[kind]
    positives, negatives = expanded(rule)
    for example in positives:
        live = [
            m
            for m in matcher.scan(example.text.encode(), example.path, every=True)
            if m.rule.id == rule.id and m.suppressed is None
        ]
        assert live, f"not found: {example.text!r}"
        if example.confidence:
            assert live[0].confidence == example.confidence
    for example in negatives:
        hits = matcher.scan(example.text.encode(), example.path, every=True)
        assert not [m for m in hits if m.rule.id == rule.id and m.suppressed is None], example


def test_rules_check_reports_a_broken_example() -> None:
    rule = RULES[0]
    broken = rule._replace(examples=(rules.Example("nothing to see"), *rule.examples))
    problems = check([broken], "python")
    assert any("example 1 not found" in p for p in problems)
