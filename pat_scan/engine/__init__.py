"""Which rules match where: a prefilter proposes regions, the matcher confirms and gates them."""

from __future__ import annotations

import os
from collections.abc import Sequence

from pat_scan.engine.matcher import Match, Matcher
from pat_scan.engine.prefilter import Prefilter
from pat_scan.errors import UsageError
from pat_scan.rules import Rule

__all__ = ["KINDS", "Match", "Matcher", "available_kinds", "create", "default_kind"]

KINDS = ("hyperscan", "python")


def default_kind() -> str:
    """`PAT_SCAN_ENGINE` if set, else hyperscan when it imports, else the pure-Python engine."""
    chosen = os.environ.get("PAT_SCAN_ENGINE", "").strip().lower()
    if chosen:
        if chosen not in KINDS:
            raise UsageError(f"PAT_SCAN_ENGINE={chosen!r}: choose one of {', '.join(KINDS)}")
        return chosen
    return available_kinds()[0]


def available_kinds() -> tuple[str, ...]:
    """The engines this installation can run, the preferred first."""
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return ("python",)
    return KINDS


def create(rules: Sequence[Rule], kind: str | None = None) -> Matcher:
    kind = kind or default_kind()
    prefilter: Prefilter
    if kind == "hyperscan":
        from pat_scan.engine.hyperscan_prefilter import HyperscanPrefilter

        prefilter = HyperscanPrefilter(rules)
    else:
        from pat_scan.engine.keyword_prefilter import KeywordPrefilter

        prefilter = KeywordPrefilter(rules)
    return Matcher(rules, prefilter, kind)
