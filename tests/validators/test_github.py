"""pat_scan.validators.github: its format, by hand-made and generated tokens.

No complete credential appears as a literal here: tokens are generated at run time or assembled
from obviously fake parts."""

from __future__ import annotations

import random
import string
import zlib

from pat_scan.validators import github, validate
from tests.helpers import token as new_token

FAKE_BODY = "abcdefghijklmnopqrstuvwxyz0123"  # 30 base62 characters


def base62_by_hand(value: int) -> str:
    alphabet = string.digits + string.ascii_uppercase + string.ascii_lowercase
    out = ""
    while value:
        out = alphabet[value % 62] + out
        value //= 62
    return out.rjust(6, "0")


def test_github_checksum_known_answer() -> None:
    crc = zlib.crc32(FAKE_BODY.encode())
    assert crc == 2154666580
    assert base62_by_hand(crc) == "2LolCm"
    assert github._crc32_b62(FAKE_BODY) == "2LolCm"
    assert validate("github_crc32", "ghp_" + FAKE_BODY + "2LolCm")
    assert validate("npm_crc32", "npm_" + FAKE_BODY + "2LolCm")
    # The CRC covers the 30 random characters only, not the prefix.
    assert validate("github_crc32", "gho_" + FAKE_BODY + "2LolCm")
    assert not validate("github_crc32", "ghp_" + FAKE_BODY + "2LolCn")


def test_github_pads_short_checksums() -> None:
    # Find a body whose CRC needs fewer than 6 base62 digits, so padding matters.
    rng = random.Random(5)
    while True:
        body = "".join(rng.choice(string.ascii_letters) for _ in range(30))
        if zlib.crc32(body.encode()) < 62**5:
            break
    checksum = github._crc32_b62(body)
    assert checksum.startswith("0")
    assert validate("github_crc32", "ghp_" + body + checksum)
    assert not validate("github_crc32", "ghp_" + body + checksum[1:])


def test_github_rejects_wrong_prefix_and_length() -> None:
    token = new_token("github_crc32", "")
    assert not validate("github_crc32", "ghx_" + token[4:])
    assert not validate("github_crc32", token + "a")
    assert not validate("github_crc32", token[:-1])
