"""Credentials inside base64 and percent-encoded text: found once, reported where the encoded
text is; binary payloads, hashes and images are not decoded into findings."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote_to_bytes

from hypothesis import given, settings
from hypothesis import strategies as st

from pat_scan import decode
from tests.conftest import token


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
    assert list(decode.segments(b"img = '" + png + b"'\nsum = " + sha + b"\n")) == []


def test_one_level_only() -> None:
    inner = base64.b64encode(b"password = 'a-long-enough-plaintext-value'")
    outer = base64.b64encode(inner)
    (segment,) = decode.segments(b"x = " + outer)
    assert segment.decoded == inner  # decoded once; the inner base64 is not decoded again


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=3000))
def test_segments_are_bounded_and_never_crash(data: bytes) -> None:
    total = 0
    for segment in decode.segments(data):
        assert 0 <= segment.start < segment.end <= len(data)
        total += len(segment.decoded)
    assert total <= len(data)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["%41", "%2F", "%s", "%", "a" * 30, "\n", "%zz", "\xff"]), max_size=60)
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
    found = [(s.start, s.end, s.decoded) for s in decode._percent_lines(data)]
    assert found == expected
