"""pat_scan.validators.openai: its format, by hand-made and generated tokens.

No complete credential appears as a literal here: tokens are generated at run time or assembled
from obviously fake parts."""

from __future__ import annotations

import base64

from pat_scan.validators import openai, validate


def test_openai_marker_is_base64_of_openai() -> None:
    assert base64.b64decode(openai._OPENAI_MARKER) == b"OpenAI"


def test_openai_marker_position() -> None:
    left, right = "a" * 74, "b" * 74
    assert validate("openai_marker", f"sk-proj-{left}T3BlbkFJ{right}")
    assert validate("openai_marker", f"sk-{'c' * 20}T3BlbkFJ{'d' * 20}")
    assert not validate("openai_marker", f"sk-proj-{left}T3BlbkFJ{right}x")  # off-centre
    assert not validate("openai_marker", f"sk-proj-{left}T3BlbkFX{right}")  # no marker
    assert not validate("openai_marker", f"sk-{'c' * 10}T3BlbkFJ{'d' * 10}")  # too short
