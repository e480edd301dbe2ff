"""Azure storage account keys: 64 random bytes in canonical base64."""

from __future__ import annotations

import base64
import random

from pat_scan.validators._codec import B64_SET, b64_decode

# --------------------------------------------------------------------------------------------
# Azure storage account keys: 64 random bytes in canonical base64 (88 characters, "==")
# --------------------------------------------------------------------------------------------


def validate_azure_storage(secret: str) -> bool:
    if len(secret) != 88 or not secret.endswith("=="):
        return False
    data = b64_decode(secret, B64_SET)
    # Re-encoding rejects non-zero unused bits, which random bytes never produce.
    return data is not None and len(data) == 64 and base64.b64encode(data).decode() == secret


def generate_azure_storage(rng: random.Random, arg: str) -> str:
    if arg:
        raise ValueError(f"azure_storage_key takes no argument, got {arg!r}")
    return base64.b64encode(rng.randbytes(64)).decode("ascii")
