"""pat_scan.validators.pgp: its format, by hand-made and generated tokens.

No complete credential appears as a literal here: tokens are generated at run time or assembled
from obviously fake parts."""

from __future__ import annotations

import base64

from pat_scan.validators import pgp, validate
from tests.helpers import token as new_token
from tests.validators.helpers import replace_at


def test_crc24_check_value() -> None:
    assert pgp._crc24(b"123456789") == 0x21CF02  # CRC-24/OPENPGP catalogue check value


def test_pgp_corrupted_checksum_line_fails() -> None:
    armour = new_token("pgp_crc24", "", 11)
    lines = armour.split("\n")
    crc_index = next(i for i, line in enumerate(lines) if line.startswith("="))
    crc_line = lines[crc_index]
    for pos in range(1, 5):
        for char in "AQgw":
            if char != crc_line[pos]:
                lines[crc_index] = replace_at(crc_line, pos, char)
                assert not validate("pgp_crc24", "\n".join(lines))
    lines[crc_index] = crc_line
    assert validate("pgp_crc24", "\n".join(lines))


def test_pgp_corrupted_body_fails() -> None:
    armour = new_token("pgp_crc24", "", 12)
    lines = armour.split("\n")
    body_line = lines[3]  # BEGIN, blank, first body line, second body line
    for pos in range(len(body_line)):
        lines[3] = replace_at(body_line, pos, "A" if body_line[pos] != "A" else "B")
        assert not validate("pgp_crc24", "\n".join(lines)), pos


def test_pgp_without_checksum_needs_secret_key_tag() -> None:
    armour = new_token("pgp_crc24", "nocrc", 13)
    assert "\n=" not in armour
    assert validate("pgp_crc24", armour)
    body = "".join(armour.split("\n")[2:-1])
    data = base64.b64decode(body)
    public_key = bytes([0xC6]) + data[1:]  # tag 6: a public key packet
    fake = armour.replace(body[:64], base64.b64encode(public_key).decode()[:64])
    assert not validate("pgp_crc24", fake)


def test_pgp_accepts_headers_crlf_and_escapes() -> None:
    armour = new_token("pgp_crc24", "", 14)
    with_header = armour.replace("-----\n\n", "-----\nVersion: Fake 1.0\n\n", 1)
    assert validate("pgp_crc24", with_header)
    assert validate("pgp_crc24", armour.replace("\n", "\r\n"))
    assert validate("pgp_crc24", armour.replace("\n", "\\n"))
    assert validate("pgp_crc24", armour.replace("\n", " "))
