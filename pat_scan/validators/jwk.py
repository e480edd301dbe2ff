"""JSON Web Keys: the private member of an EC, OKP, RSA or symmetric (oct) key."""

from __future__ import annotations

import random

from pat_scan.validators._codec import B64URL_SET, b64_decode, b64url_nopad

# --------------------------------------------------------------------------------------------
# JSON Web Keys (RFC 7517/7518, RFC 8037): the private exponent or scalar `d` of an RSA, EC or
# OKP key and the key value `k` of an oct key, base64url without padding. Their sizes are
# fixed by the key type: EC d 32, 48 or 66 bytes (P-256, P-384, P-521, 65 when the leading
# byte is zero); OKP d 32, 56 or 57 (X25519/Ed25519, X448, Ed448); oct k the algorithm's key
# size (16, 24, 32, 48 or 64 bytes); RSA d about the modulus' size (1024 to 8192 bits). The
# value alone is only base64url of a plausible size: the rule's context (kty) says it is a key.
# --------------------------------------------------------------------------------------------

_FIXED_SIZES = frozenset({16, 24, 32, 48, 56, 57, 64, 65, 66})
_RSA_SIZES = range(120, 1025)


def validate_jwk_private(secret: str) -> bool:
    # Unpadded, and random: 22+ random base64url characters all but always mix upper case,
    # lower case and digits; identifiers and words that happen to have a key's length do not.
    if "=" in secret or secret.islower() or secret.isupper() or secret.isalpha():
        return False
    raw = b64_decode(secret, B64URL_SET)
    return raw is not None and (len(raw) in _FIXED_SIZES or len(raw) in _RSA_SIZES)


def generate_jwk_private(rng: random.Random, arg: str) -> str:
    sizes = {"": 32, "EC": 32, "P-384": 48, "OKP": 32, "oct": 32, "RSA": 256}
    if arg not in sizes:
        raise ValueError(f"jwk_private: argument must be one of {sorted(sizes)}, got {arg!r}")
    while True:  # the rare draw without all three kinds of character is drawn again
        value = b64url_nopad(rng.randbytes(sizes[arg]))
        if validate_jwk_private(value):
            return value
