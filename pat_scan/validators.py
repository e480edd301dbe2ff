"""Offline checks that tell a real credential from a fake.

Each check pairs a validator (secret text -> does its checksum or structure hold?) with a generator
that makes a fresh valid token, so rule examples never commit a literal credential. Stdlib only:
this module is on the pre-commit hook's import path.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import struct
import zlib
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

__all__ = ["CHECKS", "Check", "pypi_caveats", "validate"]


class Check(NamedTuple):
    validate: Callable[[str], bool]  # secret -> valid?
    generate: Callable[[random.Random, str], str]  # (rng, arg) -> a valid token
    checksummed: bool  # True when any single-character change must make validate() False


# --------------------------------------------------------------------------------------------
# Alphabets and encoding helpers
# --------------------------------------------------------------------------------------------

_DIGITS = "0123456789"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_B62 = _DIGITS + _UPPER + _LOWER  # GitHub/npm order: 0-9A-Za-z
_B36 = _DIGITS + _LOWER
_HEX_LOWER = "0123456789abcdef"
_HEX_UPPER = "0123456789ABCDEF"
_B64 = _UPPER + _LOWER + _DIGITS + "+/"
_B64URL = _UPPER + _LOWER + _DIGITS + "-_"
_B32 = _UPPER + "234567"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

_B62_SET = frozenset(_B62)
_B36_SET = frozenset(_B36)
_B64_SET = frozenset(_B64)
_B64URL_SET = frozenset(_B64URL)
_B32_SET = frozenset(_B32)
_B58_SET = frozenset(_B58)
_ALNUM_SET = _B62_SET
_URLSAFE_TO_STD = str.maketrans("-_", "+/")


def _only(text: str, allowed: frozenset[str]) -> bool:
    return bool(text) and all(ch in allowed for ch in text)


def _is_digits(text: str) -> bool:
    # str.isdigit() alone accepts non-ASCII digits such as '٣'.
    return text.isascii() and text.isdigit()


def _rand(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _encode_base(value: int, alphabet: str, width: int) -> str:
    """Big-endian positional encoding, left-padded with the alphabet's zero digit."""
    base = len(alphabet)
    out: list[str] = []
    while value:
        value, rem = divmod(value, base)
        out.append(alphabet[rem])
    return "".join(reversed(out)).rjust(width, alphabet[0])


def _decode_base(text: str, alphabet: str) -> int | None:
    base = len(alphabet)
    value = 0
    for ch in text:
        digit = alphabet.find(ch)
        if digit < 0:
            return None
        value = value * base + digit
    return value


def _b64_decode(text: str, alphabet: frozenset[str]) -> bytes | None:
    """Decode standard or url-safe base64, tolerating missing padding; None if malformed."""
    core = text.rstrip("=")
    if len(text) - len(core) > 2 or not _only(core, alphabet) or len(core) % 4 == 1:
        return None
    padded = core.translate(_URLSAFE_TO_STD) + "=" * (-len(core) % 4)
    return base64.b64decode(padded, validate=True)


def _b64url_nopad(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _json_object(data: bytes | None) -> dict[str, Any] | None:
    if data is None:
        return None
    try:
        obj = json.loads(data.decode("utf-8"))
    except ValueError:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
        return None
    return obj if isinstance(obj, dict) else None


# --------------------------------------------------------------------------------------------
# GitHub and npm: prefix + 30 base62 + 6 base62 CRC-32 of the 30 random characters
# (https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/)
# --------------------------------------------------------------------------------------------

_GITHUB_PREFIXES = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")


def _crc32_b62(random_part: str) -> str:
    return _encode_base(zlib.crc32(random_part.encode("ascii")), _B62, 6)


def _check_crc32_b62(secret: str, prefixes: tuple[str, ...]) -> bool:
    if len(secret) != 40 or not secret.startswith(prefixes):
        return False
    body, checksum = secret[4:34], secret[34:]
    if not _only(body, _B62_SET) or not _only(checksum, _B62_SET):
        return False
    # Compare numerically: a checksum whose base62 value is over 32 bits can never match.
    return _decode_base(checksum, _B62) == zlib.crc32(body.encode("ascii"))


def _gen_crc32_b62(rng: random.Random, prefix: str) -> str:
    body = _rand(rng, _B62, 30)
    return prefix + body + _crc32_b62(body)


def _validate_github(secret: str) -> bool:
    return _check_crc32_b62(secret, _GITHUB_PREFIXES)


def _generate_github(rng: random.Random, arg: str) -> str:
    prefix = arg or "ghp_"
    if prefix not in _GITHUB_PREFIXES:
        raise ValueError(f"github_crc32: prefix must be one of {_GITHUB_PREFIXES}, got {arg!r}")
    return _gen_crc32_b62(rng, prefix)


def _validate_npm(secret: str) -> bool:
    return _check_crc32_b62(secret, ("npm_",))


def _generate_npm(rng: random.Random, arg: str) -> str:
    if arg not in ("", "npm_"):
        raise ValueError(f"npm_crc32: the only prefix is 'npm_', got {arg!r}")
    return _gen_crc32_b62(rng, "npm_")


# --------------------------------------------------------------------------------------------
# GitLab routable tokens (lib/authn/token_field/generator/routable_token.rb):
#   prefix + base64url(16 random bytes + routing payload + 1 byte payload length, no padding)
#   + "." + version "01" + "." + base64 length in base36 (2) + CRC-32 of all before, base36 (7)
# --------------------------------------------------------------------------------------------

_GITLAB_PREFIX_SET = frozenset(_B62 + "-_")


def _gitlab_prefix_ok(prefix: str) -> bool:
    return _only(prefix, _GITLAB_PREFIX_SET) and prefix[-1] in "-_"


def _gitlab_payload_ok(encoded: str) -> bool:
    raw = _b64_decode(encoded, _B64URL_SET)
    if raw is None or len(raw) < 18:
        return False
    size = raw[-1]
    if len(raw) != 16 + size + 1:
        return False
    try:
        routing = raw[16:-1].decode("ascii")
    except UnicodeDecodeError:
        return False
    # Routing payload is "k:v" lines with single-letter keys (c, g, o, p, u, t).
    return all(len(line) > 2 and line[1] == ":" for line in routing.split("\n"))


def _validate_gitlab(secret: str) -> bool:
    if len(secret) < 30:
        return False
    signed, crc = secret[:-7], secret[-7:]
    if not _only(crc, _B36_SET) or int(crc, 36) != zlib.crc32(signed.encode("utf-8")):
        return False
    head, _, tail = signed.rpartition(".")
    head, _, version = head.rpartition(".")
    if version != "01" or len(tail) != 2:
        return False
    encoded_len = _decode_base(tail, _B36)
    if encoded_len is None or not 0 < encoded_len < len(head):
        return False
    prefix, encoded = head[:-encoded_len], head[-encoded_len:]
    if not _gitlab_prefix_ok(prefix):
        return False
    return _gitlab_payload_ok(encoded)


def _generate_gitlab(rng: random.Random, arg: str) -> str:
    prefix = arg or "glpat-"
    if not _gitlab_prefix_ok(prefix):
        raise ValueError(f"gitlab_routable_crc: bad prefix {arg!r}")
    routing = {
        "o": _encode_base(rng.randrange(1, 10**8), _B36, 1),
        "u": _encode_base(rng.randrange(1, 10**8), _B36, 1),
    }
    payload = "\n".join(f"{k}:{v}" for k, v in sorted(routing.items())).encode("ascii")
    raw = rng.randbytes(16) + payload + bytes([len(payload)])
    encoded = _b64url_nopad(raw)
    signed = f"{prefix}{encoded}.01.{_encode_base(len(encoded), _B36, 2)}"
    return signed + _encode_base(zlib.crc32(signed.encode("ascii")), _B36, 7)


# --------------------------------------------------------------------------------------------
# Atlassian API tokens: "ATATT" + base64url body + "=" + 8 upper-case hex digits, the CRC-32
# (big-endian) of everything before those 8 digits, "=" included.
# --------------------------------------------------------------------------------------------

_ATLASSIAN_HEX = frozenset(_HEX_UPPER)


def _validate_atlassian(secret: str) -> bool:
    if not secret.startswith("ATATT") or len(secret) < 40:
        return False
    signed, crc = secret[:-8], secret[-8:]
    if signed[-1] != "=" or not _only(signed[5:-1], _B64URL_SET):
        return False
    # Upper-case only, so that swapping a hex digit's case is a change that fails.
    if not _only(crc, _ATLASSIAN_HEX):
        return False
    return int(crc, 16) == zlib.crc32(signed.encode("ascii"))


def _generate_atlassian(rng: random.Random, arg: str) -> str:
    if arg not in ("", "ATATT3xFfGF0"):
        raise ValueError(f"atlassian_crc32: unexpected argument {arg!r}")
    # Observed tokens are 192 characters: 12-char prefix, 171-char body, "=", 8 hex.
    signed = "ATATT3xFfGF0" + _rand(rng, _B64URL, 171) + "="
    return f"{signed}{zlib.crc32(signed.encode('ascii')):08X}"


# --------------------------------------------------------------------------------------------
# Grafana service account tokens (pkg/components/satokengen): "glsa_" + 32 alnum + "_" +
# lower-case hex of CRC-32("glsa_" + secret) written as 4 little-endian bytes.
# --------------------------------------------------------------------------------------------

_HEX_LOWER_SET = frozenset(_HEX_LOWER)


def _grafana_checksum(key: str) -> str:
    return struct.pack("<I", zlib.crc32(key.encode("ascii"))).hex()


def _validate_grafana(secret: str) -> bool:
    if len(secret) != 46 or not secret.startswith("glsa_") or secret[37] != "_":
        return False
    key, checksum = secret[:37], secret[38:]
    if not _only(key[5:], _ALNUM_SET) or not _only(checksum, _HEX_LOWER_SET):
        return False
    return _grafana_checksum(key) == checksum


def _generate_grafana(rng: random.Random, arg: str) -> str:
    if arg not in ("", "glsa_"):
        raise ValueError(f"grafana_glsa: unexpected argument {arg!r}")
    key = "glsa_" + _rand(rng, _B62, 32)
    return f"{key}_{_grafana_checksum(key)}"


# --------------------------------------------------------------------------------------------
# Bech32 (BIP-173): age secret keys and Nostr nsec keys
# --------------------------------------------------------------------------------------------

_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _bech32_polymod(values: list[int]) -> int:
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i, gen in enumerate(_BECH32_GEN):
            if (top >> i) & 1:
                chk ^= gen
    return chk


def _bech32_hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _bech32_decode(text: str) -> tuple[str, list[int]] | None:
    """Return (hrp, 5-bit data without checksum) for a valid Bech32 string, else None.

    No 90-character limit: age keys are longer than BIP-173 allows for addresses.
    """
    if not text.isascii() or (text.lower() != text and text.upper() != text):
        return None  # mixed case is invalid Bech32
    text = text.lower()
    sep = text.rfind("1")
    if sep < 1 or sep + 7 > len(text):
        return None
    hrp, data_part = text[:sep], text[sep + 1 :]
    if any(not 33 <= ord(c) <= 126 for c in hrp):
        return None
    data = [_BECH32.find(c) for c in data_part]
    if min(data) < 0:
        return None
    if _bech32_polymod(_bech32_hrp_expand(hrp) + data) != 1:
        return None
    return hrp, data[:-6]


def _bech32_encode(hrp: str, data: list[int]) -> str:
    mod = _bech32_polymod([*_bech32_hrp_expand(hrp), *data, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(mod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32[d] for d in data + checksum)


def _convert_bits(data: list[int] | bytes, src: int, dst: int, pad: bool) -> list[int] | None:
    acc = bits = 0
    out: list[int] = []
    maxv = (1 << dst) - 1
    for value in data:
        acc = (acc << src) | value
        bits += src
        while bits >= dst:
            bits -= dst
            out.append((acc >> bits) & maxv)
    if pad and bits:
        out.append((acc << (dst - bits)) & maxv)
    elif not pad and (bits >= src or (acc << (dst - bits)) & maxv):
        return None  # leftover non-zero padding bits
    return out


def _bech32_key(text: str, hrp: str) -> bool:
    decoded = _bech32_decode(text)
    if decoded is None or decoded[0] != hrp:
        return False
    key = _convert_bits(decoded[1], 5, 8, pad=False)
    return key is not None and len(key) == 32


def _validate_age(secret: str) -> bool:
    # age prints secret keys upper-case: "AGE-SECRET-KEY-1" + 58 Bech32 characters.
    return secret.startswith("AGE-SECRET-KEY-1") and _bech32_key(secret, "age-secret-key-")


def _random_bech32_key(rng: random.Random, hrp: str) -> str:
    data = _convert_bits(rng.randbytes(32), 8, 5, pad=True)
    assert data is not None
    return _bech32_encode(hrp, data)


def _generate_age(rng: random.Random, arg: str) -> str:
    if arg:
        raise ValueError(f"age_bech32 takes no argument, got {arg!r}")
    return _random_bech32_key(rng, "age-secret-key-").upper()


def _validate_nostr(secret: str) -> bool:
    # NIP-19: "nsec1" + Bech32 of the 32-byte secret key, lower-case.
    return secret.startswith("nsec1") and _bech32_key(secret, "nsec")


def _generate_nostr(rng: random.Random, arg: str) -> str:
    if arg:
        raise ValueError(f"nostr_nsec takes no argument, got {arg!r}")
    return _random_bech32_key(rng, "nsec")


# --------------------------------------------------------------------------------------------
# Text blocks (PEM, OpenPGP armour) as they appear in files: CRLF endings, indentation, quotes,
# and literal "\n" escapes when the block sits inside a JSON or code string.
# --------------------------------------------------------------------------------------------


def _block_lines(text: str) -> list[str]:
    text = text.replace("\\r\\n", "\n").replace("\\n", "\n").replace("\r\n", "\n")
    return [line.strip(" \t\r\"'`") for line in text.replace("\r", "\n").split("\n")]


def _armoured(
    text: str, label_ok: Callable[[str], bool]
) -> tuple[str, list[str], list[str]] | None:
    """Split an armoured block into (label, header lines, body chunks); None if not one.

    Also accepts the block flattened onto one line with spaces, as environment variables and
    some CI settings store it.
    """
    norm = "\n".join(_block_lines(text))
    start = norm.find("-----BEGIN ")
    if start < 0:
        return None
    close = norm.find("-----", start + 11)
    label = norm[start + 11 : close]
    if close < 0 or "\n" in label or not label_ok(label):
        return None
    end = norm.find(f"-----END {label}-----", close + 5)
    if end < 0:
        return None
    lines = [line.strip() for line in norm[close + 5 : end].split("\n")]
    # Base64 never contains ':', so any such line is an RFC 1421 / RFC 4880 header.
    headers = [line for line in lines if ":" in line]
    body = [chunk for line in lines if ":" not in line for chunk in line.split()]
    return label, headers, body


def _wrap64(data: bytes) -> list[str]:
    encoded = base64.b64encode(data).decode("ascii")
    return [encoded[i : i + 64] for i in range(0, len(encoded), 64)]


# --------------------------------------------------------------------------------------------
# OpenPGP armoured private keys (RFC 4880 section 6): "=" + base64 CRC-24 line
# --------------------------------------------------------------------------------------------

_CRC24_INIT = 0xB704CE
_CRC24_POLY = 0x1864CFB


def _crc24_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= _CRC24_POLY
        table.append(crc & 0xFFFFFF)
    return tuple(table)


_CRC24_TABLE = _crc24_table()


def _crc24(data: bytes) -> int:
    crc = _CRC24_INIT
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFF) ^ _CRC24_TABLE[(crc >> 16) ^ byte]
    return crc


# Secret-Key packet (tag 5): old format 0b100101xx, new format 0xC5.
_PGP_SECRET_KEY_TAGS = frozenset({0x94, 0x95, 0x96, 0x97, 0xC5})
_PGP_LABEL = "PGP PRIVATE KEY BLOCK"


def _validate_pgp(secret: str) -> bool:
    parts = _armoured(secret, lambda label: label == _PGP_LABEL)
    if parts is None:
        return False
    body = parts[2]
    checksum = None
    if body and body[-1].startswith("=") and len(body[-1]) == 5:
        checksum = _b64_decode(body[-1][1:], _B64_SET)
        body = body[:-1]
        if checksum is None:
            return False
    data = _b64_decode("".join(body), _B64_SET)
    if not data:
        return False
    if checksum is not None:
        return int.from_bytes(checksum, "big") == _crc24(data)
    return data[0] in _PGP_SECRET_KEY_TAGS


def _generate_pgp(rng: random.Random, arg: str) -> str:
    if arg not in ("", "nocrc"):
        raise ValueError(f"pgp_crc24: argument must be '' or 'nocrc', got {arg!r}")
    length = rng.randrange(80, 190)  # fits the one-octet new-format length
    # New-format Secret-Key packet: version 4, creation time, algorithm 22 (EdDSA), key material.
    packet = bytes([0xC5, length, 4]) + rng.randbytes(4) + bytes([22]) + rng.randbytes(length - 6)
    lines = [f"-----BEGIN {_PGP_LABEL}-----", "", *_wrap64(packet)]
    if arg != "nocrc":
        lines.append("=" + base64.b64encode(_crc24(packet).to_bytes(3, "big")).decode("ascii"))
    lines.append(f"-----END {_PGP_LABEL}-----")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# PyPI API tokens: "pypi-" + base64url of a binary v2 macaroon:
#   0x02, [location], identifier, EOS, {[location] identifier [vid] EOS}*, EOS, signature
# Each field is a one-byte type, a LEB128 length and the bytes; EOS is a single 0x00.
# --------------------------------------------------------------------------------------------

_MAC_EOS, _MAC_LOCATION, _MAC_IDENTIFIER, _MAC_VID, _MAC_SIGNATURE = 0, 1, 2, 4, 6
_PYPI_LOCATIONS = (b"pypi.org", b"test.pypi.org")


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]  # IndexError on truncation is turned into False by the caller
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7
        if shift > 28:
            raise ValueError("varint too long")


def _read_section(data: bytes, pos: int) -> tuple[dict[int, bytes], int]:
    """Read fields up to and including an EOS byte."""
    fields: dict[int, bytes] = {}
    last = -1
    while data[pos] != _MAC_EOS:
        kind = data[pos]
        if kind <= last or kind not in (_MAC_LOCATION, _MAC_IDENTIFIER, _MAC_VID):
            raise ValueError("bad macaroon field order")
        size, pos = _read_varint(data, pos + 1)
        if pos + size > len(data):
            raise ValueError("truncated macaroon field")
        fields[kind], pos, last = data[pos : pos + size], pos + size, kind
    return fields, pos + 1


def _macaroon(data: bytes) -> tuple[dict[int, bytes], list[bytes]] | None:
    """(header fields, caveat identifiers) of a well-formed v2 macaroon, else None."""
    if not data or data[0] != 2:
        return None
    try:
        header, pos = _read_section(data, 1)
        if _MAC_IDENTIFIER not in header:
            return None
        caveats: list[bytes] = []
        while data[pos] != _MAC_EOS:
            caveat, pos = _read_section(data, pos)
            if _MAC_IDENTIFIER not in caveat:
                return None
            caveats.append(caveat[_MAC_IDENTIFIER])
        pos += 1
        if data[pos] != _MAC_SIGNATURE:
            return None
        size, pos = _read_varint(data, pos + 1)
    except (IndexError, ValueError):
        return None
    if size != 32 or pos + size != len(data):
        return None
    return header, caveats


def _macaroon_location(data: bytes) -> bytes | None:
    parts = _macaroon(data)
    return None if parts is None else parts[0].get(_MAC_LOCATION)


def _validate_pypi(secret: str) -> bool:
    if not secret.startswith("pypi-"):
        return False
    data = _b64_decode(secret[5:], _B64URL_SET)
    return data is not None and _macaroon_location(data) in _PYPI_LOCATIONS


def pypi_caveats(secret: str) -> list[bytes] | None:
    """The caveats of a PyPI API token (each a JSON document, not secret: the signature is),
    or None when it is not a well-formed one."""
    if not _validate_pypi(secret):
        return None
    parts = _macaroon(_b64_decode(secret[5:], _B64URL_SET) or b"")
    return None if parts is None else parts[1]


def _mac_field(kind: int, value: bytes) -> bytes:
    size = len(value)
    out = bytearray([kind])
    while size >= 0x80:
        out.append((size & 0x7F) | 0x80)
        size >>= 7
    out.append(size)
    return bytes(out) + value


def _generate_pypi(rng: random.Random, arg: str) -> str:
    location = (arg or "pypi.org").encode("ascii")
    if location not in _PYPI_LOCATIONS:
        raise ValueError(f"pypi_macaroon: location must be pypi.org or test.pypi.org, got {arg!r}")
    ident = json.dumps({"version": 1, "id": rng.randbytes(16).hex()}).encode("ascii")
    caveat = json.dumps({"version": 1, "permissions": "user"}).encode("ascii")
    mac = (
        b"\x02"
        + _mac_field(_MAC_LOCATION, location)
        + _mac_field(_MAC_IDENTIFIER, ident)
        + b"\x00"
        + _mac_field(_MAC_IDENTIFIER, caveat)
        + b"\x00\x00"
        + _mac_field(_MAC_SIGNATURE, rng.randbytes(32))
    )
    return "pypi-" + _b64url_nopad(mac)


# --------------------------------------------------------------------------------------------
# AWS access key ids: 4-letter type prefix + 16 base32 characters. For keys issued since about
# 2019 the base32 payload carries the account id: bits 46..7 of the first 48 bits. Older keys
# (AKIAI..., AKIAJ...) carry none and pass or fail this check by chance.
# --------------------------------------------------------------------------------------------

_AWS_PREFIXES = ("AKIA", "ASIA", "ABIA", "ACCA")
_AWS_ACCOUNT_MASK = 0x7FFFFFFFFF80


def _aws_account_id(key_id: str) -> int | None:
    tail = key_id[4:]
    if len(tail) != 16 or not _only(tail, _B32_SET):
        return None
    head = int.from_bytes(base64.b32decode(tail)[:6], "big")
    return (head & _AWS_ACCOUNT_MASK) >> 7


def _validate_aws(secret: str) -> bool:
    if len(secret) != 20 or not secret.startswith(_AWS_PREFIXES):
        return False
    account = _aws_account_id(secret)
    return account is not None and 0 < account < 10**12


def _generate_aws(rng: random.Random, arg: str) -> str:
    prefix = arg or "AKIA"
    if prefix not in _AWS_PREFIXES:
        raise ValueError(f"aws_key_id: prefix must be one of {_AWS_PREFIXES}, got {arg!r}")
    account = rng.randrange(10**11, 10**12)
    head = (1 << 47) | (account << 7) | rng.getrandbits(7)
    raw = head.to_bytes(6, "big") + rng.randbytes(4)
    return prefix + base64.b32encode(raw).decode("ascii")


# --------------------------------------------------------------------------------------------
# JSON Web Tokens (RFC 7519, JWS compact form): header.payload.signature, base64url
# --------------------------------------------------------------------------------------------


def _validate_jwt(secret: str) -> bool:
    parts = secret.split(".")
    if len(parts) != 3:
        return False
    header = _json_object(_b64_decode(parts[0], _B64URL_SET))
    payload = _json_object(_b64_decode(parts[1], _B64URL_SET))
    if header is None or payload is None or not isinstance(header.get("alg"), str):
        return False
    signature = parts[2]
    if not signature:
        return bool(header["alg"] == "none")  # only unsecured JWTs have an empty signature
    return _b64_decode(signature, _B64URL_SET) is not None


def _generate_jwt(rng: random.Random, arg: str) -> str:
    alg = arg or "HS256"
    header = {"alg": alg, "typ": "JWT"}
    payload = {
        "sub": str(rng.randrange(10**9)),
        "iat": rng.randrange(1_500_000_000, 1_900_000_000),
        "jti": rng.randbytes(8).hex(),
    }
    segments = [
        _b64url_nopad(json.dumps(header, separators=(",", ":")).encode("utf-8")),
        _b64url_nopad(json.dumps(payload, separators=(",", ":")).encode("utf-8")),
        "" if alg == "none" else _b64url_nopad(rng.randbytes(32)),
    ]
    return ".".join(segments)


# --------------------------------------------------------------------------------------------
# PEM private keys: PKCS#1 / SEC1 / DSA / PKCS#8 / encrypted PKCS#8 (DER) and OpenSSH
# --------------------------------------------------------------------------------------------

_PEM_LABELS = {
    "PRIVATE KEY": "",
    "RSA PRIVATE KEY": "RSA",
    "EC PRIVATE KEY": "EC",
    "DSA PRIVATE KEY": "DSA",
    "ENCRYPTED PRIVATE KEY": "ENCRYPTED",
    "OPENSSH PRIVATE KEY": "OPENSSH",
}
_OPENSSH_MAGIC = b"openssh-key-v1\x00"


def _der_sequence_ok(der: bytes) -> bool:
    """The DER is one SEQUENCE whose declared length covers exactly the rest of the data."""
    if len(der) < 2 or der[0] != 0x30:
        return False
    first = der[1]
    if first < 0x80:
        size, header = first, 2
    else:
        count = first & 0x7F
        if not 1 <= count <= 4 or len(der) < 2 + count:
            return False
        size, header = int.from_bytes(der[2 : 2 + count], "big"), 2 + count
    return size > 0 and header + size == len(der)


def _ssh_read_string(data: bytes, pos: int) -> tuple[bytes, int]:
    (size,) = struct.unpack_from(">I", data, pos)
    end = pos + 4 + size
    if end > len(data):
        raise ValueError("truncated ssh string")
    return data[pos + 4 : end], end


def _openssh_ok(data: bytes) -> bool:
    """PROTOCOL.key: magic, cipher, kdf, kdf options, key count, public keys, private blob."""
    if not data.startswith(_OPENSSH_MAGIC):
        return False
    try:
        cipher, pos = _ssh_read_string(data, len(_OPENSSH_MAGIC))
        _kdf, pos = _ssh_read_string(data, pos)
        _kdf_options, pos = _ssh_read_string(data, pos)
        (count,) = struct.unpack_from(">I", data, pos)
        pos += 4
        if not 1 <= count <= 16:
            return False
        for _ in range(count):
            _public, pos = _ssh_read_string(data, pos)
        private, pos = _ssh_read_string(data, pos)
    except (ValueError, struct.error):
        return False
    if pos != len(data) or not private or len(private) % 8:
        return False
    # Unencrypted keys repeat a random 32-bit check value, so a mangled blob shows.
    return cipher != b"none" or private[:4] == private[4:8]


def _validate_private_key(secret: str) -> bool:
    parts = _armoured(secret, lambda label: label in _PEM_LABELS)
    if parts is None:
        return False
    label, headers, body = parts
    data = _b64_decode("".join(body), _B64_SET)
    if not data:
        return False
    if label == "OPENSSH PRIVATE KEY":
        return _openssh_ok(data)
    if any(h.replace(" ", "").startswith("Proc-Type:4,ENCRYPTED") for h in headers):
        # Legacy OpenSSL encryption: the body is block-cipher output, not DER.
        return len(data) % 8 == 0
    return _der_sequence_ok(data)


def _der(tag: int, body: bytes) -> bytes:
    size = len(body)
    if size < 0x80:
        return bytes([tag, size]) + body
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + body


def _der_int(value: int) -> bytes:
    return _der(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _der_seq(*items: bytes) -> bytes:
    return _der(0x30, b"".join(items))


def _rand_int(rng: random.Random, bits: int) -> int:
    return rng.getrandbits(bits) | (1 << (bits - 1)) | 1  # full width, odd


_OID_RSA = bytes.fromhex("06092a864886f70d010101")
_OID_P256 = bytes.fromhex("06082a8648ce3d030107")
_OID_PBES2 = bytes.fromhex("06092a864886f70d01050d")
_OID_PBKDF2 = bytes.fromhex("06092a864886f70d01050c")
_OID_AES256_CBC = bytes.fromhex("060960864801650304012a")


def _rsa_der(rng: random.Random) -> bytes:
    sizes = (1024, 0, 1024, 512, 512, 512, 512, 512)  # n, e, d, p, q, dp, dq, qinv
    ints = [_rand_int(rng, bits) if bits else 65537 for bits in sizes]
    return _der_seq(_der_int(0), *(_der_int(i) for i in ints))


def _ec_der(rng: random.Random) -> bytes:
    return _der_seq(
        _der_int(1),
        _der(0x04, rng.randbytes(32)),
        _der(0xA0, _OID_P256),
        _der(0xA1, _der(0x03, b"\x00\x04" + rng.randbytes(64))),
    )


def _dsa_der(rng: random.Random) -> bytes:
    sizes = (1024, 160, 1024, 1024, 160)  # p, q, g, y, x
    return _der_seq(_der_int(0), *(_der_int(_rand_int(rng, bits)) for bits in sizes))


def _pkcs8_der(rng: random.Random) -> bytes:
    algorithm = _der_seq(_OID_RSA, b"\x05\x00")
    return _der_seq(_der_int(0), algorithm, _der(0x04, _rsa_der(rng)))


def _encrypted_pkcs8_der(rng: random.Random) -> bytes:
    kdf = _der_seq(_OID_PBKDF2, _der_seq(_der(0x04, rng.randbytes(8)), _der_int(2048)))
    cipher = _der_seq(_OID_AES256_CBC, _der(0x04, rng.randbytes(16)))
    algorithm = _der_seq(_OID_PBES2, _der_seq(kdf, cipher))
    return _der_seq(algorithm, _der(0x04, rng.randbytes(16 * rng.randrange(40, 80))))


def _ssh_string(value: bytes) -> bytes:
    return struct.pack(">I", len(value)) + value


def _openssh_blob(rng: random.Random) -> bytes:
    public = rng.randbytes(32)
    check = rng.randbytes(4)
    private = (
        check
        + check
        + _ssh_string(b"ssh-ed25519")
        + _ssh_string(public)
        + _ssh_string(rng.randbytes(32) + public)
        + _ssh_string(b"")
    )
    private += bytes(range(1, 1 + (-len(private) % 8)))  # padding 1, 2, 3, ...
    return (
        _OPENSSH_MAGIC
        + _ssh_string(b"none")
        + _ssh_string(b"none")
        + _ssh_string(b"")
        + struct.pack(">I", 1)
        + _ssh_string(_ssh_string(b"ssh-ed25519") + _ssh_string(public))
        + _ssh_string(private)
    )


_KEY_BUILDERS: dict[str, Callable[[random.Random], bytes]] = {
    "": _pkcs8_der,
    "RSA": _rsa_der,
    "EC": _ec_der,
    "DSA": _dsa_der,
    "ENCRYPTED": _encrypted_pkcs8_der,
    "OPENSSH": _openssh_blob,
}


def _generate_private_key(rng: random.Random, arg: str) -> str:
    kind = arg.upper()
    if kind not in _KEY_BUILDERS:
        raise ValueError(f"private_key: argument must be one of {sorted(_KEY_BUILDERS)}")
    label = next(name for name, short in _PEM_LABELS.items() if short == kind)
    lines = [f"-----BEGIN {label}-----", *_wrap64(_KEY_BUILDERS[kind](rng))]
    return "\n".join([*lines, f"-----END {label}-----"])


# --------------------------------------------------------------------------------------------
# Discord bot tokens: base64(user id) "." 6-char timestamp "." HMAC (27 or more characters)
# --------------------------------------------------------------------------------------------

_B64_ANY_SET = _B64_SET | _B64URL_SET


def _validate_discord(secret: str) -> bool:
    parts = secret.split(".")
    if len(parts) != 3:
        return False
    ident, stamp, mac = parts
    if len(stamp) != 6 or not _only(stamp, _B64URL_SET):
        return False
    if not 27 <= len(mac) <= 64 or not _only(mac, _B64URL_SET):
        return False
    raw = _b64_decode(ident, _B64_ANY_SET)
    if raw is None:
        return False
    text = raw.decode("latin-1")
    # Snowflake ids are 64-bit integers of 17 to 20 decimal digits.
    return _is_digits(text) and 17 <= len(text) <= 20 and text[0] != "0" and int(text) < 2**64


def _generate_discord(rng: random.Random, arg: str) -> str:
    if arg:
        raise ValueError(f"discord_bot takes no argument, got {arg!r}")
    ident = str(rng.randrange(10**16, 2**63)).encode("ascii")
    encoded = base64.b64encode(ident).decode("ascii").rstrip("=")
    return f"{encoded}.{_rand(rng, _B64URL, 6)}.{_rand(rng, _B64URL, 38)}"


# --------------------------------------------------------------------------------------------
# OpenAI API keys: "sk-" [+ kind "-"] + A + "T3BlbkFJ" (base64 of "OpenAI") + B, where A and B
# have the same length: 20 alnum each in legacy keys, 58 or 74 base64url in project,
# service-account and admin keys.
# --------------------------------------------------------------------------------------------

_OPENAI_MARKER = "T3BlbkFJ"
_OPENAI_KIND_SET = frozenset(_B62 + "_")


def _openai_kinds_ok(kinds: str) -> bool:
    """What follows "sk-": nothing, or "name-" segments (proj-, svcacct-, admin-, ...)."""
    return not kinds or (kinds.endswith("-") and _only(kinds.replace("-", ""), _OPENAI_KIND_SET))


def _validate_openai(secret: str) -> bool:
    idx = secret.rfind(_OPENAI_MARKER)
    if not secret.startswith("sk-") or idx < 0:
        return False
    after = secret[idx + len(_OPENAI_MARKER) :]
    size = len(after)
    if size < 20 or idx - size < 3:
        return False
    before, prefix = secret[idx - size : idx], secret[: idx - size]
    if not _only(before + after, _B64URL_SET):
        return False
    return _openai_kinds_ok(prefix[3:])


def _generate_openai(rng: random.Random, arg: str) -> str:
    prefix = arg or "sk-proj-"
    if not prefix.startswith("sk-") or not _openai_kinds_ok(prefix[3:]):
        raise ValueError(f"openai_marker: prefix must look like 'sk-' or 'sk-proj-', got {arg!r}")
    if prefix == "sk-":
        return prefix + _rand(rng, _B62, 20) + _OPENAI_MARKER + _rand(rng, _B62, 20)
    return prefix + _rand(rng, _B64URL, 74) + _OPENAI_MARKER + _rand(rng, _B64URL, 74)


# --------------------------------------------------------------------------------------------
# Azure storage account keys: 64 random bytes in canonical base64 (88 characters, "==")
# --------------------------------------------------------------------------------------------


def _validate_azure_storage(secret: str) -> bool:
    if len(secret) != 88 or not secret.endswith("=="):
        return False
    data = _b64_decode(secret, _B64_SET)
    # Re-encoding rejects non-zero unused bits, which random bytes never produce.
    return data is not None and len(data) == 64 and base64.b64encode(data).decode() == secret


def _generate_azure_storage(rng: random.Random, arg: str) -> str:
    if arg:
        raise ValueError(f"azure_storage_key takes no argument, got {arg!r}")
    return base64.b64encode(rng.randbytes(64)).decode("ascii")


# --------------------------------------------------------------------------------------------
# Anthropic API keys: "sk-ant-api03-" (or "sk-ant-admin01-") + 93 base64url + "AA"
# --------------------------------------------------------------------------------------------

_ANTHROPIC_PREFIXES = ("sk-ant-api03-", "sk-ant-admin01-")


def _validate_anthropic(secret: str) -> bool:
    prefix = next((p for p in _ANTHROPIC_PREFIXES if secret.startswith(p)), None)
    if prefix is None:
        return False
    body = secret[len(prefix) :]
    return len(body) == 95 and body.endswith("AA") and _only(body, _B64URL_SET)


def _generate_anthropic(rng: random.Random, arg: str) -> str:
    prefix = arg or "sk-ant-api03-"
    if prefix not in _ANTHROPIC_PREFIXES:
        raise ValueError(f"anthropic_key: prefix must be one of {_ANTHROPIC_PREFIXES}")
    return prefix + _rand(rng, _B64URL, 93) + "AA"


# --------------------------------------------------------------------------------------------
# Telegram bot tokens (core.telegram.org/bots/api): "<bot id>:<35 base64url characters>"
# --------------------------------------------------------------------------------------------


def _validate_telegram(secret: str) -> bool:
    bot_id, sep, token = secret.partition(":")
    if not sep or not _is_digits(bot_id) or not 8 <= len(bot_id) <= 10 or bot_id[0] == "0":
        return False
    return len(token) == 35 and _only(token, _B64URL_SET)


def _generate_telegram(rng: random.Random, arg: str) -> str:
    if arg:
        raise ValueError(f"telegram_bot takes no argument, got {arg!r}")
    # Issued tokens start with "AA"; the validator does not insist on it.
    return f"{rng.randrange(10**8, 10**10)}:AA{_rand(rng, _B64URL, 33)}"


# --------------------------------------------------------------------------------------------
# Sentry organization auth tokens: "sntrys_" + base64(JSON {iat, url, region_url, org}) + "_"
# + base64 of 32 random bytes without padding (43 characters)
# --------------------------------------------------------------------------------------------


def _validate_sentry(secret: str) -> bool:
    if not secret.startswith("sntrys_"):
        return False
    payload, sep, key = secret[7:].rpartition("_")
    if not sep or len(key) != 43:
        return False
    key_raw = _b64_decode(key, _B64_SET)
    claims = _json_object(_b64_decode(payload, _B64_SET))
    if key_raw is None or len(key_raw) != 32 or claims is None:
        return False
    return isinstance(claims.get("iat"), (int, float)) and isinstance(claims.get("url"), str)


def _generate_sentry(rng: random.Random, arg: str) -> str:
    claims = {
        "iat": rng.randrange(1_600_000_000, 1_900_000_000) + rng.random(),
        "url": "https://sentry.io",
        "region_url": "https://us.sentry.io",
        "org": arg or f"org-{rng.randrange(10**6)}",
    }
    payload = base64.b64encode(json.dumps(claims).encode("utf-8")).decode("ascii")
    key = base64.b64encode(rng.randbytes(32)).decode("ascii").rstrip("=")
    return f"sntrys_{payload}_{key}"


# --------------------------------------------------------------------------------------------
# Slack tokens (api.slack.com/authentication/token-types):
#   bot  xoxb-<team digits>-<bot digits>-<24 alnum>
#   user xoxp-<digits>-<digits>-<digits>-<32 hex> (xoxe- in file links has the same shape)
#   app  xapp-1-<app id, A + upper/digits>-<digits>-<64 hex>
# --------------------------------------------------------------------------------------------

_UPPER_NUM_SET = frozenset(_UPPER + _DIGITS)


def _validate_slack(secret: str) -> bool:
    parts = secret.split("-")
    kind = parts[0]
    if kind == "xoxb" and len(parts) == 4:
        return (
            all(_is_digits(p) and 8 <= len(p) <= 14 for p in parts[1:3])
            and len(parts[3]) == 24
            and _only(parts[3], _ALNUM_SET)
        )
    if kind in ("xoxp", "xoxe") and len(parts) == 5:
        return (
            all(_is_digits(p) and 8 <= len(p) <= 14 for p in parts[1:4])
            and len(parts[4]) == 32
            and _only(parts[4], _HEX_LOWER_SET)
        )
    if kind == "xapp" and len(parts) == 5:
        return (
            parts[1] == "1"
            and parts[2].startswith("A")
            and 9 <= len(parts[2]) <= 12
            and _only(parts[2], _UPPER_NUM_SET)
            and _is_digits(parts[3])
            and len(parts[4]) == 64
            and _only(parts[4], _HEX_LOWER_SET)
        )
    return False


def _generate_slack(rng: random.Random, arg: str) -> str:
    kind = arg or "xoxb"

    def num() -> str:
        return str(rng.randrange(10**10, 10**13))

    if kind == "xoxb":
        return f"xoxb-{num()}-{num()}-{_rand(rng, _B62, 24)}"
    if kind in ("xoxp", "xoxe"):
        return f"{kind}-{num()}-{num()}-{num()}-{rng.randbytes(16).hex()}"
    if kind == "xapp":
        app = "A" + _rand(rng, _UPPER + _DIGITS, 10)
        return f"xapp-1-{app}-{num()}-{rng.randbytes(32).hex()}"
    raise ValueError(f"slack_token: argument must be xoxb, xoxp, xoxe or xapp, got {arg!r}")


# --------------------------------------------------------------------------------------------
# Base58Check (Bitcoin): WIF private keys and BIP-32 extended private keys
# --------------------------------------------------------------------------------------------

_SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def _sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def _b58check_decode(text: str) -> bytes | None:
    if not _only(text, _B58_SET) or len(text) > 200:
        return None
    value = _decode_base(text, _B58)
    assert value is not None
    zeros = len(text) - len(text.lstrip("1"))  # each leading '1' is a zero byte
    raw = b"\x00" * zeros + (value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b"")
    if len(raw) < 5 or _sha256d(raw[:-4])[:4] != raw[-4:]:
        return None
    return raw[:-4]


def _b58check_encode(payload: bytes) -> str:
    raw = payload + _sha256d(payload)[:4]
    zeros = len(raw) - len(raw.lstrip(b"\x00"))
    value = int.from_bytes(raw, "big")
    return "1" * zeros + (_encode_base(value, _B58, 0) if value else "")


def _secp256k1_key_ok(key: bytes) -> bool:
    return 0 < int.from_bytes(key, "big") < _SECP256K1_N


def _validate_wif(secret: str) -> bool:
    payload = _b58check_decode(secret)
    if payload is None or payload[0] not in (0x80, 0xEF):  # mainnet, testnet
        return False
    key = payload[1:]
    if len(key) == 33 and key[32] == 0x01:  # compressed-public-key flag
        key = key[:32]
    return len(key) == 32 and _secp256k1_key_ok(key)


def _random_secp256k1_key(rng: random.Random) -> bytes:
    return rng.randrange(1, _SECP256K1_N).to_bytes(32, "big")


def _generate_wif(rng: random.Random, arg: str) -> str:
    if arg not in ("", "compressed", "uncompressed"):
        raise ValueError(f"bitcoin_wif: argument must be compressed or uncompressed, got {arg!r}")
    suffix = b"" if arg == "uncompressed" else b"\x01"
    return _b58check_encode(b"\x80" + _random_secp256k1_key(rng) + suffix)


# Version bytes of extended private keys (BIP-32, and SLIP-132 for yprv/zprv).
_XPRV_VERSIONS = {
    "xprv": 0x0488ADE4,
    "tprv": 0x04358394,
    "yprv": 0x049D7878,
    "zprv": 0x04B2430C,
}


def _validate_xprv(secret: str) -> bool:
    if secret[:4] not in _XPRV_VERSIONS:
        return False
    payload = _b58check_decode(secret)
    if payload is None or len(payload) != 78:
        return False
    version, depth, parent, child = struct.unpack(">IB4sI", payload[:13])
    if version != _XPRV_VERSIONS[secret[:4]]:
        return False
    if depth == 0 and (parent != b"\x00" * 4 or child != 0):
        return False  # a master key has no parent
    key = payload[45:]
    return key[0] == 0 and _secp256k1_key_ok(key[1:])


def _generate_xprv(rng: random.Random, arg: str) -> str:
    kind = arg or "xprv"
    if kind not in _XPRV_VERSIONS:
        raise ValueError(f"bip32_xprv: argument must be one of {sorted(_XPRV_VERSIONS)}")
    depth = rng.randrange(0, 6)
    parent = rng.randbytes(4) if depth else b"\x00" * 4
    child = rng.getrandbits(32) if depth else 0
    payload = (
        struct.pack(">IB4sI", _XPRV_VERSIONS[kind], depth, parent, child)
        + rng.randbytes(32)
        + b"\x00"
        + _random_secp256k1_key(rng)
    )
    return _b58check_encode(payload)


# --------------------------------------------------------------------------------------------
# Google Cloud service-account key files: JSON with type "service_account", a PEM private key
# and a client_email under gserviceaccount.com
# --------------------------------------------------------------------------------------------


def _validate_gcp_sa(secret: str) -> bool:
    obj = _json_object(secret.encode("utf-8"))
    if obj is None or obj.get("type") != "service_account":
        return False
    key, email = obj.get("private_key"), obj.get("client_email")
    if not isinstance(key, str) or not isinstance(email, str):
        return False
    return email.endswith(".gserviceaccount.com") and _validate_private_key(key)


def _generate_gcp_sa(rng: random.Random, arg: str) -> str:
    project = arg or f"project-{rng.randrange(10**6)}"
    account = f"svc-{rng.randrange(10**6)}"
    doc = {
        "type": "service_account",
        "project_id": project,
        "private_key_id": rng.randbytes(20).hex(),
        "private_key": _generate_private_key(rng, "") + "\n",
        "client_email": f"{account}@{project}.iam.gserviceaccount.com",
        "client_id": str(rng.randrange(10**20, 10**21)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    return json.dumps(doc, indent=2)


# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------


def _safe(func: Callable[[str], bool]) -> Callable[[str], bool]:
    """Wrap a validator so that no input, however malformed, raises."""

    def checked(secret: str) -> bool:
        if not isinstance(secret, str):
            return False
        try:
            return bool(func(secret))
        except Exception:  # malformed input of any kind (even RecursionError) means "not valid"
            return False

    checked.__name__ = func.__name__
    checked.__doc__ = func.__doc__
    return checked


def _check(
    validator: Callable[[str], bool],
    generator: Callable[[random.Random, str], str],
    checksummed: bool,
) -> Check:
    return Check(_safe(validator), generator, checksummed)


CHECKS: Mapping[str, Check] = {
    # The CRC leaves out the prefix, so ghp_ -> gho_ gives another valid token; every other
    # single-character change fails.
    "github_crc32": _check(_validate_github, _generate_github, True),
    "npm_crc32": _check(_validate_npm, _generate_npm, True),
    "gitlab_routable_crc": _check(_validate_gitlab, _generate_gitlab, True),
    "atlassian_crc32": _check(_validate_atlassian, _generate_atlassian, True),
    "grafana_glsa": _check(_validate_grafana, _generate_grafana, True),
    "age_bech32": _check(_validate_age, _generate_age, True),
    "pgp_crc24": _check(_validate_pgp, _generate_pgp, False),
    "pypi_macaroon": _check(_validate_pypi, _generate_pypi, False),
    "aws_key_id": _check(_validate_aws, _generate_aws, False),
    "jwt": _check(_validate_jwt, _generate_jwt, False),
    "private_key": _check(_validate_private_key, _generate_private_key, False),
    "discord_bot": _check(_validate_discord, _generate_discord, False),
    "openai_marker": _check(_validate_openai, _generate_openai, False),
    "azure_storage_key": _check(_validate_azure_storage, _generate_azure_storage, False),
    "anthropic_key": _check(_validate_anthropic, _generate_anthropic, False),
    "telegram_bot": _check(_validate_telegram, _generate_telegram, False),
    "sentry_org_token": _check(_validate_sentry, _generate_sentry, False),
    "slack_token": _check(_validate_slack, _generate_slack, False),
    "nostr_nsec": _check(_validate_nostr, _generate_nostr, True),
    # Base58Check: a single change slips past the 32-bit hash with probability 2**-32.
    "bitcoin_wif": _check(_validate_wif, _generate_wif, True),
    "bip32_xprv": _check(_validate_xprv, _generate_xprv, True),
    "gcp_service_account": _check(_validate_gcp_sa, _generate_gcp_sa, False),
}


def validate(name: str, secret: str) -> bool:
    """CHECKS[name].validate(secret); False for an unknown name or any malformed input (every
    check's validator is wrapped by `_safe`, so it never raises: the hook must never crash on a
    hostile file)."""
    check = CHECKS.get(name)
    return check is not None and check.validate(secret)
