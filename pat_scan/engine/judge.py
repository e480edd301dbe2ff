"""The credential judge: how likely a free-form candidate is a real credential, from its context.

A generic rule (password, secret, key, token, auth) finds candidates by their key name; whether
the value is a credential is decided here, by a small gradient-boosted tree model over the
features of `features.py` (key name class, value shape, word-likeness, line form, path scope).
It was trained by `benchmarks/train_judge.py` on CredData's train half and ships as
`judge_model.json` beside this module: feature names, a vocabulary of common words, thresholds
and trees of (feature index, threshold, children, leaf value), and nothing else.

The model is read on the first candidate that needs it, so a commit with no generic candidate
never pays for it. Inference is a few hundred tree look-ups, in pure Python.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from pathlib import Path
from typing import Any, NamedTuple

from pat_scan.engine.features import SCOPE_WHY_LOW, Candidate, features, path_scope

MODEL_PATH = Path(__file__).with_name("judge_model.json")
FORMAT = "pat-scan-judge/1"


class Tree(NamedTuple):
    feature: tuple[int, ...]  # -1 at a leaf
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]


def _sum_of(trees: tuple[Tree, ...], row: list[float]) -> float:
    """The trees' leaf values for `row`, summed in order; one loop, no call per tree (scoring
    is most of a judged candidate's cost)."""
    total = 0.0
    for feature, threshold, left, right, value in trees:
        node = 0
        index = feature[0]
        while index >= 0:
            node = left[node] if row[index] <= threshold[node] else right[node]
            index = feature[node]
        total += value[node]
    return total


class Model(NamedTuple):
    names: tuple[str, ...]
    vocabulary: frozenset[str]
    base: float
    rate: float
    trees: tuple[Tree, ...]
    report: float  # below this score a generic candidate is not reported at all
    block: dict[str, float]  # per path scope: at or above this score it blocks (medium)

    def score(self, candidate: Candidate) -> float:
        found = features(candidate, self.vocabulary)
        row = [found.get(name, 0.0) for name in self.names]
        margin = self.base + self.rate * _sum_of(self.trees, row)
        return 1.0 / (1.0 + math.exp(-margin))


class ModelError(ValueError):
    pass


def parse(document: Any) -> Model:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ModelError(f"not a {FORMAT} model")
    trees = tuple(Tree(*(tuple(column) for column in tree)) for tree in document["trees"])
    return Model(
        names=tuple(document["features"]),
        vocabulary=frozenset(document["vocabulary"]),
        base=float(document["base"]),
        rate=float(document["rate"]),
        trees=trees,
        report=float(document["thresholds"]["report"]),
        block={k: float(v) for k, v in document["thresholds"]["block"].items()},
    )


_loaded: list[Model] = []


@functools.lru_cache(maxsize=1)
def fingerprint() -> str:
    """A hash of the shipped model, for keying stored results the judge decided."""
    return hashlib.sha256(MODEL_PATH.read_bytes()).hexdigest()[:16]


def model() -> Model:
    """The shipped model, read once per process."""
    if not _loaded:
        _loaded.append(parse(json.loads(MODEL_PATH.read_text(encoding="utf-8"))))
    return _loaded[0]


class Verdict(NamedTuple):
    score: float
    confidence: str  # medium (blocks by default) | low
    suppressed: str | None  # why it is not reported, or None
    why_low: str | None = None  # why the confidence is low, when it is and it is reported


def judge(candidate: Candidate) -> Verdict:
    """The score, and what it means for a generic candidate in its file."""
    chosen = model()
    score = chosen.score(candidate)
    if score < chosen.report:
        return Verdict(score, "low", "judged not a credential")
    scope = path_scope(candidate.path)
    block = chosen.block.get(scope, chosen.block.get("source", 0.5))
    if score >= block:
        return Verdict(score, "medium", None)
    why = SCOPE_WHY_LOW.get(scope, "the judge finds it unlikely to be a credential")
    return Verdict(score, "low", None, why)
