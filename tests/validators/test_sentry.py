"""pat_scan.validators.sentry: its format, by hand-made and generated tokens.

No complete credential appears as a literal here: tokens are generated at run time or assembled
from obviously fake parts."""

from __future__ import annotations

import base64
import json

from pat_scan.validators import validate
from tests.helpers import token as new_token


def test_sentry_payload_must_be_json() -> None:
    token = new_token("sentry_org_token", "", 41)
    payload = token[7:].rpartition("_")[0]
    assert json.loads(base64.b64decode(payload))["url"] == "https://sentry.io"
    not_json = base64.b64encode(b"not json at all!").decode()
    assert not validate("sentry_org_token", token.replace(payload, not_json))
