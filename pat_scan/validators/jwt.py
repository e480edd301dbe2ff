"""JSON Web Tokens: a JSON header and payload, and a signature."""

from __future__ import annotations

import json
import random

from pat_scan.validators._codec import B64URL_SET, b64_decode, b64url_nopad, json_object

# --------------------------------------------------------------------------------------------
# JSON Web Tokens (RFC 7519, JWS compact form): header.payload.signature, base64url
# --------------------------------------------------------------------------------------------


def validate_jwt(secret: str) -> bool:
    parts = secret.split(".")
    if len(parts) != 3:
        return False
    header = json_object(b64_decode(parts[0], B64URL_SET))
    payload = json_object(b64_decode(parts[1], B64URL_SET))
    if header is None or payload is None or not isinstance(header.get("alg"), str):
        return False
    signature = parts[2]
    if not signature:
        return bool(header["alg"] == "none")  # only unsecured JWTs have an empty signature
    return b64_decode(signature, B64URL_SET) is not None


def generate_jwt(rng: random.Random, arg: str) -> str:
    alg = arg or "HS256"
    header = {"alg": alg, "typ": "JWT"}
    payload = {
        "sub": str(rng.randrange(10**9)),
        "iat": rng.randrange(1_500_000_000, 1_900_000_000),
        "jti": rng.randbytes(8).hex(),
    }
    segments = [
        b64url_nopad(json.dumps(header, separators=(",", ":")).encode("utf-8")),
        b64url_nopad(json.dumps(payload, separators=(",", ":")).encode("utf-8")),
        "" if alg == "none" else b64url_nopad(rng.randbytes(32)),
    ]
    return ".".join(segments)
