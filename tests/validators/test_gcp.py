"""pat_scan.validators.gcp: its format, by hand-made and generated tokens.

No complete credential appears as a literal here: tokens are generated at run time or assembled
from obviously fake parts."""

from __future__ import annotations

import json

from pat_scan.validators import validate
from tests.helpers import token as new_token


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
