"""The one deliberately slow derivation pat-scan uses for anything it publishes or keeps that is
derived from a secret a dictionary could guess: scrypt (hashlib, from OpenSSL) at N=2**10, r=8,
p=1, which needs 1 MiB of memory a guess.

Measured with `python benchmarks/fingerprint_cost.py` on one core of a shared 2-core machine
(OpenSSL's scrypt, the fastest a CPU attacker has): 3.2 ms a derivation, 311 guesses a second
(SHA-256, version 1 fingerprints: 436,000), under the 1,000 a second pat-scan promises with room
for a core three times as fast; its memory cost keeps GPUs far from their SHA-256 speed. The
cost is paid once per finding (callers cache it), never per scanned byte.
"""

from __future__ import annotations

import hashlib

N, R, P = 2**10, 8, 1


def stretch(data: bytes, salt: bytes, size: int = 32) -> bytes:
    """`size` bytes of scrypt(data, salt): each call costs what a guess costs an attacker."""
    return hashlib.scrypt(data, salt=salt, n=N, r=R, p=P, dklen=size)
