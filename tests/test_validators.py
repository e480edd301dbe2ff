"""Tests for pat_scan.validators.

No complete credential appears as a literal here: tokens are generated at run time or assembled
from obviously fake parts, so this file does not trip secret scanners.
"""

from __future__ import annotations

import base64
import json
import random
import string
import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pat_scan import validators as v
from pat_scan.validators import CHECKS, Check, validate
from tests.conftest import token as new_token

# Arguments each generator accepts ('' is always the default).
ARGS: dict[str, list[str]] = {
    "github_crc32": ["", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
    "npm_crc32": ["", "npm_"],
    "gitlab_routable_crc": ["", "glpat-", "glrt-", "gldt-", "glcbt-"],
    "atlassian_crc32": [""],
    "grafana_glsa": [""],
    "age_bech32": [""],
    "pgp_crc24": ["", "nocrc"],
    "pypi_macaroon": ["", "pypi.org", "test.pypi.org"],
    "aws_key_id": ["", "AKIA", "ASIA", "ABIA", "ACCA"],
    "jwt": ["", "RS256", "none"],
    "private_key": ["", "RSA", "EC", "DSA", "ENCRYPTED", "OPENSSH"],
    "discord_bot": [""],
    "openai_marker": ["", "sk-", "sk-proj-", "sk-svcacct-", "sk-admin-"],
    "azure_storage_key": [""],
    "anthropic_key": ["", "sk-ant-api03-", "sk-ant-admin01-"],
    "telegram_bot": [""],
    "sentry_org_token": ["", "acme-corp"],
    "slack_token": ["", "xoxb", "xoxp", "xapp"],
    "nostr_nsec": [""],
    "bitcoin_wif": ["", "compressed", "uncompressed"],
    "bip32_xprv": ["", "xprv", "tprv", "yprv", "zprv"],
    "gcp_service_account": ["", "demo-project"],
}

CHECKSUMMED = sorted(name for name, check in CHECKS.items() if check.checksummed)
# Characters a one-character change may introduce: a superset of every token alphabet here.
MUTATION_ALPHABET = string.ascii_letters + string.digits + "-_=."

SEEDS = st.integers(min_value=0, max_value=2**64)


GITHUB_PREFIXES = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")


def retypes_github_token(name: str, token: str, mutated: str) -> bool:
    """GitHub's CRC does not cover the prefix: ghp_ -> gho_ is another valid token, not a typo."""
    return name == "github_crc32" and mutated[:4] != token[:4] and mutated[:4] in GITHUB_PREFIXES


def replace_at(text: str, index: int, char: str) -> str:
    return text[:index] + char + text[index + 1 :]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


# ---------------------------------------------------------------------------------------------
# Interface
# ---------------------------------------------------------------------------------------------


def test_every_check_is_listed_here() -> None:
    # A new check must be given its generator arguments above, so the properties cover it.
    assert set(ARGS) == set(CHECKS)


def test_required_names_present() -> None:
    required = {
        "github_crc32",
        "npm_crc32",
        "gitlab_routable_crc",
        "atlassian_crc32",
        "grafana_glsa",
        "age_bech32",
        "pgp_crc24",
        "pypi_macaroon",
        "aws_key_id",
        "jwt",
        "private_key",
        "discord_bot",
        "openai_marker",
        "azure_storage_key",
    }
    assert required <= set(CHECKS)


def test_checksummed_flags() -> None:
    assert set(CHECKSUMMED) >= {
        "github_crc32",
        "npm_crc32",
        "gitlab_routable_crc",
        "atlassian_crc32",
        "grafana_glsa",
        "age_bech32",
    }
    for name in ("pgp_crc24", "pypi_macaroon", "aws_key_id", "jwt", "private_key"):
        assert CHECKS[name].checksummed is False


def test_check_is_frozen() -> None:
    check = CHECKS["jwt"]
    assert isinstance(check, Check)
    with pytest.raises(AttributeError):
        check.checksummed = True  # type: ignore[misc]


def test_validate_dispatches_by_name() -> None:
    token = new_token("github_crc32", "")
    assert validate("github_crc32", token) is True
    assert validate("npm_crc32", token) is False
    assert validate("no_such_check", token) is False


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_generation_is_deterministic(name: str) -> None:
    assert new_token(name, "", 7) == new_token(name, "", 7)
    assert new_token(name, "", 7) != new_token(name, "", 8)


@pytest.mark.parametrize(
    ("name", "arg"),
    [
        ("github_crc32", "ghx_"),
        ("npm_crc32", "ghp_"),
        ("gitlab_routable_crc", "glpat"),
        ("pgp_crc24", "sha1"),
        ("pypi_macaroon", "example.org"),
        ("aws_key_id", "AIDA"),
        ("private_key", "X509"),
        ("openai_marker", "pk-"),
        ("anthropic_key", "sk-ant-api02-"),
        ("slack_token", "xoxz"),
        ("bitcoin_wif", "segwit"),
        ("bip32_xprv", "xpub"),
        ("age_bech32", "x"),
    ],
)
def test_generator_rejects_unknown_argument(name: str, arg: str) -> None:
    with pytest.raises(ValueError, match=name):
        new_token(name, arg)


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CHECKS))
@settings(max_examples=15, deadline=None)
@given(seed=SEEDS, data=st.data())
def test_generated_tokens_validate(name: str, seed: int, data: st.DataObject) -> None:
    arg = data.draw(st.sampled_from(ARGS[name]), label="arg")
    token = new_token(name, arg, seed)
    assert CHECKS[name].validate(token) is True
    assert validate(name, token) is True


@pytest.mark.parametrize("name", CHECKSUMMED)
@settings(max_examples=40, deadline=None)
@given(seed=SEEDS, data=st.data())
def test_single_character_change_fails(name: str, seed: int, data: st.DataObject) -> None:
    token = new_token(name, data.draw(st.sampled_from(ARGS[name]), label="arg"), seed)
    index = data.draw(st.integers(0, len(token) - 1), label="index")
    choices = [c for c in MUTATION_ALPHABET if c != token[index]]
    char = data.draw(st.sampled_from(choices), label="char")
    mutated = replace_at(token, index, char)
    assert validate(name, mutated) is retypes_github_token(name, token, mutated)


@pytest.mark.parametrize("name", CHECKSUMMED)
def test_every_single_character_change_fails(name: str) -> None:
    # Exhaustive over positions and a same-alphabet replacement for one token per check.
    token = new_token(name, "", 2024)
    alphabet = sorted(set(token) | set(string.digits))
    tried = 0
    for index, original in enumerate(token):
        for char in alphabet:
            if char != original:
                mutated = replace_at(token, index, char)
                expected = retypes_github_token(name, token, mutated)
                assert validate(name, mutated) is expected, (index, char)
                tried += 1
    assert tried >= len(token) * 5


@pytest.mark.parametrize("name", sorted(CHECKS))
@settings(max_examples=30, deadline=None)
@given(text=st.text(max_size=300))
def test_never_raises_on_arbitrary_text(name: str, text: str) -> None:
    assert validate(name, text) is False


@pytest.mark.parametrize("name", sorted(CHECKS))
@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 1000), data=st.data())
def test_never_raises_on_damaged_tokens(name: str, seed: int, data: st.DataObject) -> None:
    token = new_token(name, "", seed)
    start = data.draw(st.integers(0, len(token)), label="start")
    stop = data.draw(st.integers(start, len(token)), label="stop")
    insert = data.draw(st.text(max_size=5), label="insert")
    damaged = token[:start] + insert + token[stop:]
    assert isinstance(CHECKS[name].validate(damaged), bool)
    # Truncation never leaves a valid token: every format has a fixed tail or a length field.
    assert validate(name, token[: len(token) // 2]) is False


@pytest.mark.parametrize("name", sorted(CHECKS))
@pytest.mark.parametrize(
    "shape",
    ["", " ", "x", "0" * 40, "ghp_", "-----BEGIN PRIVATE KEY-----", "{}", "a.b.c", "==", "\n"],
)
def test_unknown_shapes_are_invalid(name: str, shape: str) -> None:
    assert validate(name, shape) is False


@pytest.mark.parametrize("name", sorted(CHECKS))
@pytest.mark.parametrize("value", [None, b"bytes", 42, ["list"]])
def test_non_string_input_is_invalid(name: str, value: object) -> None:
    assert validate(name, value) is False  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# GitHub / npm
# ---------------------------------------------------------------------------------------------

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
    assert v._crc32_b62(FAKE_BODY) == "2LolCm"
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
    checksum = v._crc32_b62(body)
    assert checksum.startswith("0")
    assert validate("github_crc32", "ghp_" + body + checksum)
    assert not validate("github_crc32", "ghp_" + body + checksum[1:])


def test_github_rejects_wrong_prefix_and_length() -> None:
    token = new_token("github_crc32", "")
    assert not validate("github_crc32", "ghx_" + token[4:])
    assert not validate("github_crc32", token + "a")
    assert not validate("github_crc32", token[:-1])


# ---------------------------------------------------------------------------------------------
# GitLab routable tokens
# ---------------------------------------------------------------------------------------------


def gitlab_token(payload: bytes, version: str = "01", prefix: str = "glpat-") -> str:
    encoded = b64url(bytes(range(16)) + payload + bytes([len(payload)]))
    length = v._encode_base(len(encoded), string.digits + string.ascii_lowercase, 2)
    signed = f"{prefix}{encoded}.{version}.{length}"
    crc = zlib.crc32(signed.encode())
    return signed + v._encode_base(crc, string.digits + string.ascii_lowercase, 7)


def test_gitlab_built_by_hand() -> None:
    token = gitlab_token(b"o:1\nu:2")
    assert int(token[-7:], 36) == zlib.crc32(token[:-7].encode())
    assert validate("gitlab_routable_crc", token)


def test_gitlab_structure_is_checked_beyond_the_crc() -> None:
    # Each of these has a correct CRC, so only the structural checks can reject them.
    assert not validate("gitlab_routable_crc", gitlab_token(b"o:1", version="02"))
    assert not validate("gitlab_routable_crc", gitlab_token(b"no colon here"))
    assert not validate("gitlab_routable_crc", gitlab_token(b"o:1", prefix="glpat"))


# ---------------------------------------------------------------------------------------------
# Atlassian / Grafana
# ---------------------------------------------------------------------------------------------


def test_atlassian_crc_covers_everything_before_it() -> None:
    signed = "ATATT3xFfGF0" + "A" * 100 + "="
    token = signed + f"{zlib.crc32(signed.encode()):08X}"
    assert validate("atlassian_crc32", token)
    assert not validate("atlassian_crc32", token[:-8] + token[-8:].lower())


def test_grafana_checksum_is_little_endian_crc_of_prefix_and_secret() -> None:
    key = "glsa_" + "A" * 16 + "b" * 16
    crc = zlib.crc32(key.encode())
    assert crc == 0x9E044161
    assert v._grafana_checksum(key) == "6141049e"  # bytes of the CRC, least significant first
    assert validate("grafana_glsa", f"{key}_6141049e")
    assert not validate("grafana_glsa", f"{key}_{crc:08x}")  # big-endian is wrong


# ---------------------------------------------------------------------------------------------
# Bech32: age, nostr
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "A12UEL5L",
        "a12uel5l",
        "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
        "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
        "?1ezyfcl",
    ],
)
def test_bech32_bip173_valid_vectors(text: str) -> None:
    assert v._bech32_decode(text) is not None


@pytest.mark.parametrize("text", ["A1G7SGD8", "10a06t8", "1qzzfhee", "a12UEL5L", "a12uel5x"])
def test_bech32_bip173_invalid_vectors(text: str) -> None:
    assert v._bech32_decode(text) is None


def test_age_key_shape() -> None:
    token = new_token("age_bech32", "", 3)
    assert token.startswith("AGE-SECRET-KEY-1")
    assert len(token) == 74
    assert token == token.upper()
    assert validate("age_bech32", token.lower()) is False  # age keys are upper-case
    assert validate("nostr_nsec", token) is False


def test_bech32_wrong_hrp_fails() -> None:
    data = v._convert_bits(bytes(range(32)), 8, 5, pad=True)
    assert data is not None
    assert validate("nostr_nsec", v._bech32_encode("nsec", data))
    assert not validate("nostr_nsec", v._bech32_encode("npub", data))
    assert not validate("nostr_nsec", v._bech32_encode("nsec", data[:-2]))  # 31 bytes


# ---------------------------------------------------------------------------------------------
# PGP armour
# ---------------------------------------------------------------------------------------------


def test_crc24_check_value() -> None:
    assert v._crc24(b"123456789") == 0x21CF02  # CRC-24/OPENPGP catalogue check value


def test_pgp_corrupted_checksum_line_fails() -> None:
    armour = new_token("pgp_crc24", "", 11)
    lines = armour.split("\n")
    crc_index = next(i for i, line in enumerate(lines) if line.startswith("="))
    crc_line = lines[crc_index]
    for pos in range(1, 5):
        for char in "AQgw":
            if char != crc_line[pos]:
                lines[crc_index] = replace_at(crc_line, pos, char)
                assert not validate("pgp_crc24", "\n".join(lines))
    lines[crc_index] = crc_line
    assert validate("pgp_crc24", "\n".join(lines))


def test_pgp_corrupted_body_fails() -> None:
    armour = new_token("pgp_crc24", "", 12)
    lines = armour.split("\n")
    body_line = lines[3]  # BEGIN, blank, first body line, second body line
    for pos in range(len(body_line)):
        lines[3] = replace_at(body_line, pos, "A" if body_line[pos] != "A" else "B")
        assert not validate("pgp_crc24", "\n".join(lines)), pos


def test_pgp_without_checksum_needs_secret_key_tag() -> None:
    armour = new_token("pgp_crc24", "nocrc", 13)
    assert "\n=" not in armour
    assert validate("pgp_crc24", armour)
    body = "".join(armour.split("\n")[2:-1])
    data = base64.b64decode(body)
    public_key = bytes([0xC6]) + data[1:]  # tag 6: a public key packet
    fake = armour.replace(body[:64], base64.b64encode(public_key).decode()[:64])
    assert not validate("pgp_crc24", fake)


def test_pgp_accepts_headers_crlf_and_escapes() -> None:
    armour = new_token("pgp_crc24", "", 14)
    with_header = armour.replace("-----\n\n", "-----\nVersion: Fake 1.0\n\n", 1)
    assert validate("pgp_crc24", with_header)
    assert validate("pgp_crc24", armour.replace("\n", "\r\n"))
    assert validate("pgp_crc24", armour.replace("\n", "\\n"))
    assert validate("pgp_crc24", armour.replace("\n", " "))


# ---------------------------------------------------------------------------------------------
# PyPI macaroons
# ---------------------------------------------------------------------------------------------


def test_pypi_token_starts_with_v2_location_field() -> None:
    # 0x02 (version), 0x01 (location), 0x08 (length), "pypi.org" -> "AgEIcHlwaS5vcmc"
    assert new_token("pypi_macaroon", "", 1).startswith(
        "pypi-" + b64url(b"\x02\x01\x08pypi.org")[:15]
    )
    assert b64url(b"\x02\x01\x08pypi.org").startswith("AgEIcHlwaS5vcmc")


def test_pypi_rejects_other_locations_and_damage() -> None:
    token = new_token("pypi_macaroon", "", 2)
    raw = base64.urlsafe_b64decode(token[5:] + "=" * (-len(token[5:]) % 4))
    other = raw.replace(b"pypi.org", b"evil.org", 1)
    assert not validate("pypi_macaroon", "pypi-" + b64url(other))
    assert not validate("pypi_macaroon", "pypi-" + b64url(raw[:-1]))  # short signature
    assert not validate("pypi_macaroon", "pypi-" + b64url(b"\x01" + raw[1:]))  # v1 byte
    padded = "pypi-" + base64.urlsafe_b64encode(raw).decode()
    assert validate("pypi_macaroon", padded)  # padding is tolerated


# ---------------------------------------------------------------------------------------------
# AWS key ids
# ---------------------------------------------------------------------------------------------


def aws_key(prefix: str, account: int, low_bits: int = 0x55) -> str:
    head = (1 << 47) | (account << 7) | low_bits
    return prefix + base64.b32encode(head.to_bytes(6, "big") + b"\x12\x34\x56\x78").decode()


def test_aws_account_id_decoding() -> None:
    key = aws_key("AKIA", 123456789012)
    assert v._aws_account_id(key) == 123456789012
    assert validate("aws_key_id", key)
    assert validate("aws_key_id", aws_key("ASIA", 1))


def test_aws_rejects_impossible_accounts_and_prefixes() -> None:
    assert not validate("aws_key_id", aws_key("AKIA", 10**12))  # 13 digits
    assert not validate("aws_key_id", aws_key("AKIA", 0))
    assert not validate("aws_key_id", aws_key("AIDA", 123456789012))  # a user id, not a key
    assert not validate("aws_key_id", aws_key("AKIA", 123456789012).lower())


# ---------------------------------------------------------------------------------------------
# JWT
# ---------------------------------------------------------------------------------------------


def jwt_from(header: object, payload: object, signature: str = "c2ln") -> str:
    return ".".join(
        [b64url(json.dumps(header).encode()), b64url(json.dumps(payload).encode()), signature]
    )


def test_jwt_structure() -> None:
    assert validate("jwt", jwt_from({"alg": "HS256"}, {"sub": "1"}))
    assert not validate("jwt", jwt_from({"typ": "JWT"}, {"sub": "1"}))  # no alg
    assert not validate("jwt", jwt_from({"alg": "HS256"}, ["not", "an", "object"]))
    assert not validate("jwt", jwt_from({"alg": "HS256"}, {"sub": "1"}, ""))  # unsigned
    assert validate("jwt", jwt_from({"alg": "none"}, {"sub": "1"}, ""))
    assert not validate("jwt", jwt_from({"alg": "HS256"}, {"sub": "1"}, "a+b"))
    assert not validate("jwt", jwt_from({"alg": "HS256"}, {"sub": "1"}) + ".extra")


# ---------------------------------------------------------------------------------------------
# PEM private keys
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ARGS["private_key"])
def test_private_key_embedded_forms(kind: str) -> None:
    pem = new_token("private_key", kind, 21)
    assert validate("private_key", pem.replace("\n", "\r\n"))
    assert validate("private_key", pem.replace("\n", "\\n"))  # inside a JSON string
    indented = "\n".join(f'    "{line}"' for line in pem.split("\n"))
    assert validate("private_key", indented)
    assert validate("private_key", pem.replace("\n", " "))  # flattened onto one line


@pytest.mark.parametrize("kind", ARGS["private_key"])
def test_private_key_damage_fails(kind: str) -> None:
    pem = new_token("private_key", kind, 22)
    lines = pem.split("\n")
    without_line = "\n".join(lines[:2] + lines[3:])  # drops 48 bytes from the middle
    assert not validate("private_key", without_line)
    assert not validate("private_key", pem.replace("-----END", "-----FIN"))


def test_private_key_der_length_must_match() -> None:
    der = v._der_seq(v._der_int(0), v._der_int(12345))
    assert v._der_sequence_ok(der)
    assert not v._der_sequence_ok(der + b"\x00")
    assert not v._der_sequence_ok(b"\x31" + der[1:])  # a SET, not a SEQUENCE
    long_form = v._der_seq(v._der(0x04, bytes(300)))
    assert long_form[1] == 0x82
    assert v._der_sequence_ok(long_form)
    assert not v._der_sequence_ok(long_form[:-1])


def test_private_key_label_mismatch_and_openssh_magic() -> None:
    pem = new_token("private_key", "RSA", 23)
    assert not validate("private_key", pem.replace("END RSA", "END EC"))
    ssh = new_token("private_key", "OPENSSH", 24)
    body = "".join(ssh.split("\n")[1:-1])
    raw = base64.b64decode(body)
    assert raw.startswith(b"openssh-key-v1\x00")
    bad = base64.b64encode(b"openssh-key-v2\x00" + raw[15:]).decode()
    bad_pem = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + bad + "\n-----END OPENSSH PRIVATE KEY-----"
    assert not validate("private_key", bad_pem)


def test_private_key_legacy_encrypted_pem() -> None:
    body = base64.b64encode(bytes(range(64))).decode()
    headers = "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n"
    pem = f"-----BEGIN RSA PRIVATE KEY-----\n{headers}\n{body}\n-----END RSA PRIVATE KEY-----"
    assert validate("private_key", pem)  # ciphertext is not DER, but a whole number of blocks
    odd = base64.b64encode(bytes(range(63))).decode()
    assert not validate("private_key", pem.replace(body, odd))


# ---------------------------------------------------------------------------------------------
# Discord, OpenAI, Azure, Anthropic, Telegram, Sentry, Slack
# ---------------------------------------------------------------------------------------------


def discord_token(ident: str) -> str:
    encoded = base64.b64encode(ident.encode()).decode().rstrip("=")
    return f"{encoded}.AbCdEf.{'x' * 27}"


def test_discord_id_rules() -> None:
    assert validate("discord_bot", discord_token("1" * 18))
    assert not validate("discord_bot", discord_token("1" * 16))  # too short for a snowflake
    assert not validate("discord_bot", discord_token("9" * 20))  # over 64 bits
    assert not validate("discord_bot", discord_token("12345678901234567a"))
    assert not validate("discord_bot", discord_token("1" * 18)[:-1])  # MAC too short


def test_openai_marker_is_base64_of_openai() -> None:
    assert base64.b64decode(v._OPENAI_MARKER) == b"OpenAI"


def test_openai_marker_position() -> None:
    left, right = "a" * 74, "b" * 74
    assert validate("openai_marker", f"sk-proj-{left}T3BlbkFJ{right}")
    assert validate("openai_marker", f"sk-{'c' * 20}T3BlbkFJ{'d' * 20}")
    assert not validate("openai_marker", f"sk-proj-{left}T3BlbkFJ{right}x")  # off-centre
    assert not validate("openai_marker", f"sk-proj-{left}T3BlbkFX{right}")  # no marker
    assert not validate("openai_marker", f"sk-{'c' * 10}T3BlbkFJ{'d' * 10}")  # too short


def test_azure_storage_key_length_and_canonical_form() -> None:
    assert validate("azure_storage_key", base64.b64encode(bytes(range(64))).decode())
    assert not validate("azure_storage_key", base64.b64encode(bytes(range(63))).decode())
    key = base64.b64encode(bytes(64)).decode()  # ends "AA=="
    assert not validate("azure_storage_key", key[:-3] + "B==")  # non-zero unused bits


def test_anthropic_shape() -> None:
    token = new_token("anthropic_key", "", 31)
    assert len(token) == 108
    assert token.endswith("AA")
    assert not validate("anthropic_key", token[:-2] + "AB")


def test_telegram_shape() -> None:
    assert validate("telegram_bot", "123456789:" + "A" * 35)
    assert not validate("telegram_bot", "123456789:" + "A" * 34)
    assert not validate("telegram_bot", "012345678:" + "A" * 35)
    assert not validate("telegram_bot", "1234567:" + "A" * 35)


def test_sentry_payload_must_be_json() -> None:
    token = new_token("sentry_org_token", "", 41)
    payload = token[7:].rpartition("_")[0]
    assert json.loads(base64.b64decode(payload))["url"] == "https://sentry.io"
    not_json = base64.b64encode(b"not json at all!").decode()
    assert not validate("sentry_org_token", token.replace(payload, not_json))


def test_slack_shapes() -> None:
    assert validate("slack_token", "xoxb-1234567890-1234567890-" + "a" * 24)
    assert not validate("slack_token", "xoxb-1234567890-1234567890-" + "a" * 23)
    assert validate("slack_token", "xoxp-12345678-12345678-12345678-" + "f" * 32)
    assert not validate("slack_token", "xoxp-12345678-12345678-12345678-" + "g" * 32)


# ---------------------------------------------------------------------------------------------
# Base58Check: WIF, BIP-32
# ---------------------------------------------------------------------------------------------


def test_base58_known_answer() -> None:
    value = int.from_bytes(b"hello world", "big")
    assert v._encode_base(value, v._B58, 0) == "StV1DL6CwTryKyV"


def test_base58check_round_trip_keeps_leading_zeros() -> None:
    payload = b"\x00\x00\x01\x02"
    encoded = v._b58check_encode(payload)
    assert encoded.startswith("11")
    assert v._b58check_decode(encoded) == payload


def test_wif_rejects_out_of_range_keys() -> None:
    zero = v._b58check_encode(b"\x80" + bytes(32) + b"\x01")
    assert not validate("bitcoin_wif", zero)
    order = v._SECP256K1_N.to_bytes(32, "big")
    assert not validate("bitcoin_wif", v._b58check_encode(b"\x80" + order))
    assert validate("bitcoin_wif", v._b58check_encode(b"\x80" + bytes(31) + b"\x07"))
    assert not validate("bitcoin_wif", v._b58check_encode(b"\x00" + bytes(31) + b"\x07"))


def test_xprv_master_key_has_no_parent() -> None:
    key = b"\x00" + bytes(31) + b"\x09"
    master = struct.pack(">IB4sI", 0x0488ADE4, 0, bytes(4), 0) + bytes(32) + key
    assert validate("bip32_xprv", v._b58check_encode(master))
    orphan = struct.pack(">IB4sI", 0x0488ADE4, 0, b"\x01\x02\x03\x04", 0) + bytes(32) + key
    assert not validate("bip32_xprv", v._b58check_encode(orphan))


# ---------------------------------------------------------------------------------------------
# GCP service accounts
# ---------------------------------------------------------------------------------------------


def test_gcp_service_account_fields() -> None:
    doc = json.loads(new_token("gcp_service_account", "", 51))
    assert validate("gcp_service_account", json.dumps(doc))
    for field, value in [
        ("type", "authorized_user"),
        ("client_email", "someone@example.com"),
        ("private_key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
    ]:
        broken = dict(doc, **{field: value})
        assert not validate("gcp_service_account", json.dumps(broken)), field
