"""pat_scan.validators.jwt: its format, by hand-made and generated tokens.

No complete credential appears as a literal here: tokens are generated at run time or assembled
from obviously fake parts."""

from __future__ import annotations

import json

from pat_scan.validators import validate
from tests.validators.helpers import b64url


def jwt_from(header: object, payload: object, signature: str = "c2ln") -> str:
    return ".".join(
        [b64url(json.dumps(header).encode()), b64url(json.dumps(payload).encode()), signature]
    )


def test_jwt_structure() -> None:
    assert validate("jwt", jwt_from({"alg": "HS256"}, {"sub": "1"}))
    assert not validate("jwt", jwt_from({"typ": "JWT"}, {"sub": "1"}))  # no alg
    assert not validate("jwt", jwt_from({"alg": "HS256"}, ["not", "an", "object"]))
    assert not validate("jwt", jwt_from({"alg": "HS256"}, {"sub": "1"}, ""))  # unsigned
    assert validate("jwt", jwt_from({"alg": "none"}, {"sub": "1"}, ""))
    assert not validate("jwt", jwt_from({"alg": "HS256"}, {"sub": "1"}, "a+b"))
    assert not validate("jwt", jwt_from({"alg": "HS256"}, {"sub": "1"}) + ".extra")
