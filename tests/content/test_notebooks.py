"""Jupyter notebooks: cell sources and text outputs scanned as text, image outputs never; findings
say the cell and line for people and keep the file position for SARIF."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from tests.helpers import token


def _notebook(cells: list[dict[str, Any]]) -> str:
    return json.dumps(
        {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1
    )


def test_cell_source_and_output_with_cell_and_line(repo: Path, cli: Any) -> None:
    secret, printed = token(seed=1), token(seed=2)
    text = _notebook(
        [
            {"cell_type": "markdown", "source": ["# Title\n"]},
            {
                "cell_type": "code",
                "source": ["import os\n", f'client = Client("{secret}")\n'],
                "outputs": [
                    {"output_type": "stream", "name": "stdout", "text": [f"token={printed}\n"]}
                ],
            },
        ]
    )
    (repo / "analysis.ipynb").write_text(text)
    result = cli("scan", "--format", "json", cwd=repo)
    notes = {f["note"]: f for f in result.json()["findings"]}
    assert set(notes) == {"cell 2, line 2", "cell 2 output, line 1"}
    source = notes["cell 2, line 2"]
    lines = text.splitlines()
    assert secret in lines[source["line"] - 1]  # the file line, for SARIF and editors
    assert lines[source["line"] - 1].index(secret) + 1 == source["column"]
    assert "(cell 2, line 2)" in cli("scan", cwd=repo).out


def test_images_in_outputs_are_never_scanned(repo: Path, cli: Any) -> None:
    # The image's data holds a token: as a notebook it is an image, never read as text.
    image = base64.b64encode(b"\x89PNG" + bytes(range(256)) * 40).decode() + " " + token()
    (repo / "plot.ipynb").write_text(
        _notebook(
            [
                {
                    "cell_type": "code",
                    "source": ["plot()\n"],
                    "outputs": [
                        {
                            "output_type": "display_data",
                            "data": {"image/png": image, "text/plain": ["<Fig>"]},
                        },
                    ],
                },
            ]
        )
    )
    result = cli("scan", "--format", "json", cwd=repo)
    assert result.code == 0 and result.json()["findings"] == []
    (repo / "plot.txt").write_text((repo / "plot.ipynb").read_text())  # the same bytes as text
    found = cli("scan", "--format", "json", "plot.txt", cwd=repo).json()["findings"]
    assert [f["rule_id"] for f in found] == ["github-pat-classic"]


def test_a_broken_notebook_is_scanned_as_text(repo: Path, cli: Any) -> None:
    (repo / "broken.ipynb").write_text('{"cells": [ {"source": "t = \'' + token() + "'")
    findings = cli("scan", "--format", "json", cwd=repo).json()["findings"]
    assert [f["rule_id"] for f in findings] == ["github-pat-classic"]
    assert "note" not in findings[0]
