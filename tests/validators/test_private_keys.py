"""pat_scan.validators.private_keys: its format, by hand-made and generated tokens.

No complete credential appears as a literal here: tokens are generated at run time or assembled
from obviously fake parts."""

from __future__ import annotations

import base64

import pytest

from pat_scan.validators import private_keys, validate
from tests.helpers import token as new_token
from tests.validators.helpers import ARGS


@pytest.mark.parametrize("kind", ARGS["private_key"])
def test_private_key_embedded_forms(kind: str) -> None:
    pem = new_token("private_key", kind, 21)
    assert validate("private_key", pem.replace("\n", "\r\n"))
    assert validate("private_key", pem.replace("\n", "\\n"))  # inside a JSON string
    indented = "\n".join(f'    "{line}"' for line in pem.split("\n"))
    assert validate("private_key", indented)
    assert validate("private_key", pem.replace("\n", " "))  # flattened onto one line


@pytest.mark.parametrize("kind", ARGS["private_key"])
def test_private_key_damage_fails(kind: str) -> None:
    pem = new_token("private_key", kind, 22)
    lines = pem.split("\n")
    without_line = "\n".join(lines[:2] + lines[3:])  # drops 48 bytes from the middle
    assert not validate("private_key", without_line)
    assert not validate("private_key", pem.replace("-----END", "-----FIN"))


def test_private_key_der_length_must_match() -> None:
    der = private_keys._der_seq(private_keys._der_int(0), private_keys._der_int(12345))
    assert private_keys._der_sequence_ok(der)
    assert not private_keys._der_sequence_ok(der + b"\x00")
    assert not private_keys._der_sequence_ok(b"\x31" + der[1:])  # a SET, not a SEQUENCE
    long_form = private_keys._der_seq(private_keys._der(0x04, bytes(300)))
    assert long_form[1] == 0x82
    assert private_keys._der_sequence_ok(long_form)
    assert not private_keys._der_sequence_ok(long_form[:-1])


def test_private_key_label_mismatch_and_openssh_magic() -> None:
    pem = new_token("private_key", "RSA", 23)
    assert not validate("private_key", pem.replace("END RSA", "END EC"))
    ssh = new_token("private_key", "OPENSSH", 24)
    body = "".join(ssh.split("\n")[1:-1])
    raw = base64.b64decode(body)
    assert raw.startswith(b"openssh-key-v1\x00")
    bad = base64.b64encode(b"openssh-key-v2\x00" + raw[15:]).decode()
    bad_pem = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + bad + "\n-----END OPENSSH PRIVATE KEY-----"
    assert not validate("private_key", bad_pem)


def test_private_key_legacy_encrypted_pem() -> None:
    body = base64.b64encode(bytes(range(64))).decode()
    headers = "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n"
    pem = f"-----BEGIN RSA PRIVATE KEY-----\n{headers}\n{body}\n-----END RSA PRIVATE KEY-----"
    assert validate("private_key", pem)  # ciphertext is not DER, but a whole number of blocks
    odd = base64.b64encode(bytes(range(63))).decode()
    assert not validate("private_key", pem.replace(body, odd))
