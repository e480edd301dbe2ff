"""Shared by the baseline and import tests."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import token

BASELINE = ".pat-scan-baseline.json"


def write_secret(repo: Path, name: str = "app.py", seed: int = 0, before: str = "") -> str:
    secret = token(seed=seed)
    (repo / name).write_text(f"{before}import os\nTOKEN = '{secret}'\n")
    return secret
