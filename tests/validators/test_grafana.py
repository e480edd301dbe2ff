"""pat_scan.validators.grafana: its format, by hand-made and generated tokens.

No complete credential appears as a literal here: tokens are generated at run time or assembled
from obviously fake parts."""

from __future__ import annotations

import zlib

from pat_scan.validators import grafana, validate


def test_grafana_checksum_is_little_endian_crc_of_prefix_and_secret() -> None:
    key = "glsa_" + "A" * 16 + "b" * 16
    crc = zlib.crc32(key.encode())
    assert crc == 0x9E044161
    assert grafana._grafana_checksum(key) == "6141049e"  # bytes of the CRC, least significant first
    assert validate("grafana_glsa", f"{key}_6141049e")
    assert not validate("grafana_glsa", f"{key}_{crc:08x}")  # big-endian is wrong
