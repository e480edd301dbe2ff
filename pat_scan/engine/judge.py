"""The credential judge: how likely a free-form candidate is a real credential, from its context.

A generic rule (password, secret, key, token, auth) finds candidates by their key name; whether
the value is a credential is decided here, by a small gradient-boosted tree model over the
features of `features.py` (key name class, value shape, word-likeness, line form, path scope).
It was trained by `benchmarks/train_judge.py` on CredData's train half and ships as
`judge_model.json` beside this module: feature names, a vocabulary of common words, thresholds
and trees of (feature index, threshold, children, leaf value), and nothing else.

The model is read on the first candidate that needs it, so a commit with no generic candidate
never pays for it. Inference is a few hundred tree look-ups, in pure Python: the trees are
compiled to nested if-statements once per machine (see tree_sum).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import math
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from pat_scan.engine.features import Candidate, features
from pat_scan.engine.scopes import SCOPE_WHY_LOW, path_scope

MODEL_PATH = Path(__file__).with_name("judge_model.json")
FORMAT = "pat-scan-judge/1"


class Tree(NamedTuple):
    feature: tuple[int, ...]  # -1 at a leaf
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]


def tree_sum(trees: tuple[Tree, ...], key: str) -> Callable[[list[float]], float]:
    """A function summing the trees' leaf values for a row, in order: the trees as nested
    if-statements of Python, compiled once per machine and kept in the cache (a walk over the
    node tables took 220 us a row, the compiled trees 80 us; compiling them takes 0.2 s, loading
    the cached code 0.3 ms). Floats are written as repr() writes them, so every comparison and
    every sum is the walk's, to the last bit. `key` names the trees (a hash of them)."""
    import marshal
    from importlib.util import MAGIC_NUMBER

    from pat_scan import cache

    name = f"judge-{key}-{_SOURCE_FORMAT}-{MAGIC_NUMBER.hex()}.bin"
    blob = cache.read_bytes(name)
    code = None
    if blob is not None:
        with contextlib.suppress(EOFError, ValueError, TypeError):
            code = marshal.loads(blob)
    if not isinstance(code, types.CodeType):  # none, or not ours: compiled again
        code = compile(_source(trees), "<judge trees>", "exec")
        cache.write_bytes(name, marshal.dumps(code))
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # the code of _source(trees), keyed by their hash, checksummed
    function: Callable[[list[float]], float] = namespace["tree_sum"]
    return function


_SOURCE_FORMAT = 1  # bump when _source changes: cached code is keyed by it


def _source(trees: tuple[Tree, ...]) -> str:
    lines = ["def tree_sum(row):", " total = 0.0"]

    def node(tree: Tree, index: int, indent: str) -> None:
        if tree.feature[index] < 0:
            lines.append(f"{indent}total += {tree.value[index]!r}")
            return
        lines.append(f"{indent}if row[{tree.feature[index]}] <= {tree.threshold[index]!r}:")
        node(tree, tree.left[index], indent + " ")
        lines.append(f"{indent}else:")
        node(tree, tree.right[index], indent + " ")

    for tree in trees:
        node(tree, 0, " ")
    lines.append(" return total")
    return "\n".join(lines) + "\n"


class Model(NamedTuple):
    names: tuple[str, ...]
    vocabulary: frozenset[str]
    base: float
    rate: float
    trees: tuple[Tree, ...]
    summed: Callable[[list[float]], float]  # the trees' leaf values for a row (tree_sum)
    report: float  # below this score a generic candidate is not reported at all
    block: dict[str, float]  # per path scope: at or above this score it blocks (medium)

    def score(self, candidate: Candidate) -> float:
        found = features(candidate, self.vocabulary)
        row = [found.get(name, 0.0) for name in self.names]
        margin = self.base + self.rate * self.summed(row)
        return 1.0 / (1.0 + math.exp(-margin))


class ModelError(ValueError):
    pass


def parse(document: Any, key: str | None = None) -> Model:
    """The model of a judge document; `key` is a hash of it, when the caller has one."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ModelError(f"not a {FORMAT} model")
    trees = tuple(Tree(*(tuple(column) for column in tree)) for tree in document["trees"])
    if key is None:
        key = hashlib.sha256(json.dumps(document["trees"]).encode()).hexdigest()[:16]
    return Model(
        names=tuple(document["features"]),
        vocabulary=frozenset(document["vocabulary"]),
        base=float(document["base"]),
        rate=float(document["rate"]),
        trees=trees,
        summed=tree_sum(trees, key),
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
        document = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
        _loaded.append(parse(document, fingerprint()))
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
