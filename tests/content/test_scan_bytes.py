"""Scanning a file for the lines a commit adds finds, on those lines, exactly what scanning it
whole finds there: the rest is neither confirmed nor judged, and nothing on them changes."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from pat_scan import engine, rules
from pat_scan.content import scan_bytes
from pat_scan.findings import Finding
from tests.helpers import token

MATCHER = engine.create(rules.load(examples=False), engine.default_kind())

_LINES = [
    "def handler(event):",
    "password = 'Zr8#kq2LmW!v4Tn'",
    '    db_password: "hunter2-but-longer-9Xq"',
    f"TOKEN = '{token()}'",
    f"token = '{token(seed=3)}'  # pat-scan: allow",
    "secret_key = os.environ['SECRET_KEY']",
    "api_key = 'AKIAIOSFODNN7EXAMPLE'",
    'auth = """Xk39vQ2m',
    'Lp0wZ7sT"""',
    "-----BEGIN RSA PRIVATE KEY-----",
    "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi",
    "-----END RSA PRIVATE KEY-----",
    "url = 'https://user:p%40ssw0rd%21x@db.internal/app'",
    "blob = 'cGFzc3dvcmQgPSAnWnI4I2txMkxtVyF2NFRuJw=='",
    "",
]


def _on(found: Sequence[Finding], ranges: list[tuple[int, int]]) -> list[Finding]:
    return [f for f in found if any(a <= f.end_line and f.line <= b for a, b in ranges)]


@st.composite
def _files(draw: st.DrawFn) -> tuple[bytes, list[tuple[int, int]]]:
    lines = draw(st.lists(st.sampled_from(_LINES), min_size=1, max_size=40))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    data = (newline.join(lines) + draw(st.sampled_from(["", newline]))).encode()
    cuts = sorted(set(draw(st.lists(st.integers(1, len(lines) + 1), max_size=8))))
    ranges = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False)]
    if draw(st.booleans()):
        ranges.append((cuts[-1] + 1 if cuts else 1, 2**62))  # to the end, as for a new file
    return data, ranges


def test_findings_on_the_added_lines_are_those_of_a_whole_scan() -> None:
    compared = 0

    @settings(max_examples=300, deadline=None)
    @given(_files())
    def check(case: tuple[bytes, list[tuple[int, int]]]) -> None:
        nonlocal compared
        data, ranges = case
        whole = _on(scan_bytes(MATCHER, data, "app/settings.py"), ranges)
        added = scan_bytes(MATCHER, data, "app/settings.py", added=ranges)
        assert _on(added, ranges) == whole
        compared += bool(whole)

    check()
    assert compared > 50  # proof that findings were compared, not only empty lists


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(["\n", "a", "bc" * 200, "\n" * 300, "x" * 5000]), max_size=30),
    st.lists(st.integers(1, 2000), max_size=10),
)
def test_lines_are_found_as_bytes_where_they_start(parts: list[str], numbers: list[int]) -> None:
    from pat_scan.content import _byte_spans

    data = "".join(parts).encode()
    starts = [0] + [i + 1 for i, byte in enumerate(data) if byte == 0x0A]

    def start(line: int) -> int:
        return starts[line - 1] if line <= len(starts) else len(data)

    cuts = sorted(set(numbers))
    ranges = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False)]
    expected = [(start(a), start(b + 1)) for a, b in ranges]
    assert _byte_spans(data, b"\n", ranges) == expected
