"""Google Cloud service-account key files: JSON holding a PEM private key."""

from __future__ import annotations

import json
import random

from pat_scan.validators._codec import json_object
from pat_scan.validators.private_keys import generate_private_key, validate_private_key

# --------------------------------------------------------------------------------------------
# Google Cloud service-account key files: JSON with type "service_account", a PEM private key
# and a client_email under gserviceaccount.com
# --------------------------------------------------------------------------------------------


def validate_gcp_sa(secret: str) -> bool:
    obj = json_object(secret.encode("utf-8"))
    if obj is None or obj.get("type") != "service_account":
        return False
    key, email = obj.get("private_key"), obj.get("client_email")
    if not isinstance(key, str) or not isinstance(email, str):
        return False
    return email.endswith(".gserviceaccount.com") and validate_private_key(key)


def generate_gcp_sa(rng: random.Random, arg: str) -> str:
    project = arg or f"project-{rng.randrange(10**6)}"
    account = f"svc-{rng.randrange(10**6)}"
    doc = {
        "type": "service_account",
        "project_id": project,
        "private_key_id": rng.randbytes(20).hex(),
        "private_key": generate_private_key(rng, "") + "\n",
        "client_email": f"{account}@{project}.iam.gserviceaccount.com",
        "client_id": str(rng.randrange(10**20, 10**21)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    return json.dumps(doc, indent=2)
