"""Credentials inside base64 and percent-encoded text: found once, reported where the encoded
text is; binary payloads, hashes and images are not decoded into findings."""

from __future__ import annotations

import base64
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote, unquote_to_bytes

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pat_scan.content import decode
from tests.helpers import token


class Segment(NamedTuple):
    start: int
    end: int
    decoded: bytes
    encoding: str


def _segments(data: bytes) -> list[Segment]:
    parts = decode.parts(data)
    return [Segment(*parts.span(i), parts.decoded(i), parts.encoding(i)) for i in range(len(parts))]


def test_kubernetes_secret_data_is_decoded(repo: Path, cli: Any) -> None:
    secret = token()
    encoded = base64.b64encode(f"GITHUB_TOKEN={secret}\n".encode()).decode()
    (repo / "secret.yaml").write_text(f"kind: Secret\ndata:\n  env: {encoded}\n")
    (finding,) = cli("scan", "--format", "json", cwd=repo).json()["findings"]
    assert finding["note"] == "base64"
    assert (finding["line"], finding["column"]) == (3, 8)  # the encoded text
    assert finding["end_column"] == 8 + len(encoded)
    assert finding["rule_id"] == "github-pat-classic" and finding["confidence"] == "high"


def test_urlsafe_base64_and_docker_auths(repo: Path, cli: Any) -> None:
    secret = token(seed=2)
    auth = base64.urlsafe_b64encode(f"deploy-user:{secret}".encode()).decode().rstrip("=")
    (repo / "config.json").write_text(json.dumps({"auths": {"ghcr.io": {"auth": auth}}}))
    findings = cli("scan", "--format", "json", cwd=repo).json()["findings"]
    assert any(f["rule_id"] == "github-pat-classic" and f["note"] == "base64" for f in findings)


def test_percent_encoded_password_in_a_url(repo: Path, cli: Any) -> None:
    secret = token(seed=3)
    (repo / "app.env").write_text(
        "URL=" + quote(f"https://ci:{secret}@example.com/x", safe="") + "\n"
    )
    findings = cli("scan", "--format", "json", cwd=repo).json()["findings"]
    assert {f["note"] for f in findings} == {"percent-encoded"}
    assert any(f["rule_id"] == "github-pat-classic" for f in findings)


def test_binary_hashes_and_images_are_not_decoded() -> None:
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    sha = b"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    assert list(_segments(b"img = '" + png + b"'\nsum = " + sha + b"\n")) == []


def test_one_level_only() -> None:
    inner = base64.b64encode(b"password = 'a-long-enough-plaintext-value'")
    outer = base64.b64encode(inner)
    (segment,) = _segments(b"x = " + outer)
    assert segment.decoded == inner  # decoded once; the inner base64 is not decoded again


_PRINTABLE = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=30, max_size=60
)
_ESCAPES = st.sampled_from([f"%{byte:02X}" for byte in range(0x20, 0x7F)])
Piece = tuple[str, int, bytes, bytes]  # encoding, where it starts, encoded, decoded


@st.composite
def _encoded_files(draw: st.DrawFn) -> tuple[bytes, list[Piece]]:
    """Random bytes mixed with base64 of text and lines holding two %XX escapes, each encoded
    piece on a line of its own; returns the file and its encoded pieces."""
    data = b""
    pieces: list[Piece] = []
    kinds = st.sampled_from(["bytes", "bytes", "base64", "percent-encoded", "newline"])
    for kind in draw(st.lists(kinds, min_size=1, max_size=40)):
        if kind == "bytes":
            data += draw(st.binary(max_size=200))
            continue
        if kind == "newline":
            data += b"\n"
            continue
        if kind == "base64":
            decoded = draw(_PRINTABLE).encode()
            encoded = base64.b64encode(decoded)
        else:
            escapes = draw(_ESCAPES) + draw(_ESCAPES)
            encoded = ("a" * draw(st.integers(28, 60)) + escapes).encode()
            decoded = unquote_to_bytes(encoded)
        data += b"\n"
        pieces.append((kind, len(data), encoded, decoded))
        data += encoded + b"\n"
    return data, pieces


def test_segments_are_bounded_and_never_crash() -> None:
    found: Counter[str] = Counter()

    @settings(max_examples=100, deadline=None)
    @given(_encoded_files())
    def check(case: tuple[bytes, list[Piece]]) -> None:
        data, pieces = case
        total = 0
        seen = set()
        for segment in _segments(data):
            assert 0 <= segment.start < segment.end <= len(data)
            total += len(segment.decoded)
            encoded = data[segment.start : segment.end]
            seen.add((segment.encoding, segment.start, encoded, segment.decoded))
            found[segment.encoding] += 1
        assert total <= len(data)
        for piece in pieces:
            kind, _, encoded, _ = piece
            # Base64 with no digit, or all in one case, is taken for an identifier: skipped.
            if kind == "percent-encoded" or decode._mixed(encoded):
                assert piece in seen, piece

    check()
    # Proof that the bounds above were checked on real segments of both kinds.
    assert found["base64"] > 0 and found["percent-encoded"] > 0, found


@pytest.mark.parametrize("size", [30, 31, 32, 33, 34, 45])
@pytest.mark.parametrize("encode", [base64.b64encode, base64.urlsafe_b64encode])
def test_base64_of_every_length_is_decoded(size: int, encode: Any) -> None:
    """Padded or not: 31 and 32 bytes (a 41-43 character body) used to fail the probe."""
    text = b"password = Zq8vL2mP9xR4Ab7Cd3Ef5Gh6Ij1Kl0Mn2Op4Qr6"[:size]
    encoded = encode(text).rstrip(b"=") if encode is base64.urlsafe_b64encode else encode(text)
    (segment,) = _segments(b"x = " + encoded + b"\n")
    assert (segment.start, segment.decoded) == (4, text)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["%41", "%2F", "%00", "\0", "%s", "%", "a" * 30, "\n", "%zz", "\xff"]),
        max_size=60,
    )
)
def test_each_line_with_two_escapes_is_decoded_once(parts: list[str]) -> None:
    data = "".join(parts).encode("utf-8", "surrogateescape")
    expected = []
    offset = 0
    for line in data.split(b"\n"):
        decoded = unquote_to_bytes(line)
        if len(re.findall(rb"%[0-9A-Fa-f]{2}", line)) >= 2 and decode._is_text(decoded):
            expected.append((offset, offset + len(line), decoded))
        offset += len(line) + 1
    assert list(decode._percent_lines(data)) == expected


def test_kubernetes_secret_data_that_decodes_to_a_certificate_is_suppressed(
    repo: Path, cli: Any
) -> None:
    import random
    import string

    rng = random.Random(5)
    body = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(300))
    certificate = f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n"
    encoded = base64.b64encode(certificate.encode()).decode()
    manifest = (
        f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ndata:\n  tls.crt: {encoded}\n"
    )
    (repo / "secret.yaml").write_text(manifest)
    result = cli("scan", "--format", "json", "--show-suppressed", cwd=repo)
    assert result.code == 0
    reasons = {s["reason"] for s in result.json()["suppressed"]}
    assert "decodes to a certificate or public key" in reasons


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["A" * 39, "a", "Z9", "+/", "-_", "=", "%41", "%g", "%", " ", "\n", "\xff"]
        ),
        max_size=80,
    )
)
def test_hyperscan_finds_the_candidates_the_plain_search_does(parts: list[str]) -> None:
    """Runs of every length around the minimum, at the start and the end, and escapes."""
    pytest.importorskip("hyperscan")
    data = "".join(parts).encode("utf-8", "surrogateescape")
    assert list(decode._hyperscan_candidates()(data)) == list(decode._plain_candidates(data))


def test_dense_runs_fall_back_to_the_plain_search_with_the_same_candidates() -> None:
    """Minified code reports at almost every character: past a bound the plain search runs."""
    pytest.importorskip("hyperscan")
    dense = b"%41 ".join([b"Zq8vL2mP9xR4" * 20] * 200)
    sparse = b"x = 1\n" * 5000 + b"key = " + b"Zq8vL2mP9xR4" * 5 + b"\n"
    for data in (dense, sparse):
        runs = list(decode._plain_candidates(data))
        assert runs and list(decode._hyperscan_candidates()(data)) == runs


_TEXT_BYTES = st.binary(min_size=26, max_size=90).map(
    lambda raw: bytes(b"\t\n\r !~Aa0"[byte % 9] if byte < 128 else byte % 95 + 32 for byte in raw)
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_TEXT_BYTES, st.binary(min_size=26, max_size=90)), st.booleans())
def test_the_shape_test_never_rules_out_text(raw: bytes, urlsafe: bool) -> None:
    """_MAY_BE_TEXT is a shortcut past _base64_text: whatever it rules out decodes to no text
    (padded runs among them)."""
    encoded = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(raw)
    if decode._is_text(raw):
        assert decode._MAY_BE_TEXT.match(encoded) is not None
    if decode._MAY_BE_TEXT.match(encoded) is None:
        assert decode._base64_text(encoded) is None
