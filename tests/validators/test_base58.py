"""pat_scan.validators.base58: its format, by hand-made and generated tokens.

No complete credential appears as a literal here: tokens are generated at run time or assembled
from obviously fake parts."""

from __future__ import annotations

import struct

from pat_scan.validators import _codec, base58, validate


def test_base58_known_answer() -> None:
    value = int.from_bytes(b"hello world", "big")
    assert _codec.encode_base(value, _codec.B58, 0) == "StV1DL6CwTryKyV"


def test_base58check_round_trip_keeps_leading_zeros() -> None:
    payload = b"\x00\x00\x01\x02"
    encoded = base58._b58check_encode(payload)
    assert encoded.startswith("11")
    assert base58._b58check_decode(encoded) == payload


def test_wif_rejects_out_of_range_keys() -> None:
    zero = base58._b58check_encode(b"\x80" + bytes(32) + b"\x01")
    assert not validate("bitcoin_wif", zero)
    order = base58._SECP256K1_N.to_bytes(32, "big")
    assert not validate("bitcoin_wif", base58._b58check_encode(b"\x80" + order))
    assert validate("bitcoin_wif", base58._b58check_encode(b"\x80" + bytes(31) + b"\x07"))
    assert not validate("bitcoin_wif", base58._b58check_encode(b"\x00" + bytes(31) + b"\x07"))


def test_xprv_master_key_has_no_parent() -> None:
    key = b"\x00" + bytes(31) + b"\x09"
    master = struct.pack(">IB4sI", 0x0488ADE4, 0, bytes(4), 0) + bytes(32) + key
    assert validate("bip32_xprv", base58._b58check_encode(master))
    orphan = struct.pack(">IB4sI", 0x0488ADE4, 0, b"\x01\x02\x03\x04", 0) + bytes(32) + key
    assert not validate("bip32_xprv", base58._b58check_encode(orphan))
