"""GitLab routable tokens: a base64url payload whose length and CRC-32 are checked."""

from __future__ import annotations

import random
import zlib

from pat_scan.validators._codec import (
    B36,
    B36_SET,
    B62,
    B64URL_SET,
    b64_decode,
    b64url_nopad,
    decode_base,
    encode_base,
    only,
)

# --------------------------------------------------------------------------------------------
# GitLab routable tokens (lib/authn/token_field/generator/routable_token.rb):
#   prefix + base64url(16 random bytes + routing payload + 1 byte payload length, no padding)
#   + "." + version "01" + "." + base64 length in base36 (2) + CRC-32 of all before, base36 (7)
# --------------------------------------------------------------------------------------------

_GITLAB_PREFIX_SET = frozenset(B62 + "-_")


def _gitlab_prefix_ok(prefix: str) -> bool:
    return only(prefix, _GITLAB_PREFIX_SET) and prefix[-1] in "-_"


def _gitlab_payload_ok(encoded: str) -> bool:
    raw = b64_decode(encoded, B64URL_SET)
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


def validate_gitlab(secret: str) -> bool:
    if len(secret) < 30:
        return False
    signed, crc = secret[:-7], secret[-7:]
    if not only(crc, B36_SET) or int(crc, 36) != zlib.crc32(signed.encode("utf-8")):
        return False
    head, _, tail = signed.rpartition(".")
    head, _, version = head.rpartition(".")
    if version != "01" or len(tail) != 2:
        return False
    encoded_len = decode_base(tail, B36)
    if encoded_len is None or not 0 < encoded_len < len(head):
        return False
    prefix, encoded = head[:-encoded_len], head[-encoded_len:]
    if not _gitlab_prefix_ok(prefix):
        return False
    return _gitlab_payload_ok(encoded)


def generate_gitlab(rng: random.Random, arg: str) -> str:
    prefix = arg or "glpat-"
    if not _gitlab_prefix_ok(prefix):
        raise ValueError(f"gitlab_routable_crc: bad prefix {arg!r}")
    routing = {
        "o": encode_base(rng.randrange(1, 10**8), B36, 1),
        "u": encode_base(rng.randrange(1, 10**8), B36, 1),
    }
    payload = "\n".join(f"{k}:{v}" for k, v in sorted(routing.items())).encode("ascii")
    raw = rng.randbytes(16) + payload + bytes([len(payload)])
    encoded = b64url_nopad(raw)
    signed = f"{prefix}{encoded}.01.{encode_base(len(encoded), B36, 2)}"
    return signed + encode_base(zlib.crc32(signed.encode("ascii")), B36, 7)
