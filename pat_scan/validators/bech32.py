"""Bech32 (BIP-173) keys: age secret keys and Nostr nsec keys."""

from __future__ import annotations

import random

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


def validate_age(secret: str) -> bool:
    # age prints secret keys upper-case: "AGE-SECRET-KEY-1" + 58 Bech32 characters.
    return secret.startswith("AGE-SECRET-KEY-1") and _bech32_key(secret, "age-secret-key-")


def _random_bech32_key(rng: random.Random, hrp: str) -> str:
    data = _convert_bits(rng.randbytes(32), 8, 5, pad=True)
    assert data is not None
    return _bech32_encode(hrp, data)


def generate_age(rng: random.Random, arg: str) -> str:
    if arg:
        raise ValueError(f"age_bech32 takes no argument, got {arg!r}")
    return _random_bech32_key(rng, "age-secret-key-").upper()


def validate_nostr(secret: str) -> bool:
    # NIP-19: "nsec1" + Bech32 of the 32-byte secret key, lower-case.
    return secret.startswith("nsec1") and _bech32_key(secret, "nsec")


def generate_nostr(rng: random.Random, arg: str) -> str:
    if arg:
        raise ValueError(f"nostr_nsec takes no argument, got {arg!r}")
    return _random_bech32_key(rng, "nsec")
