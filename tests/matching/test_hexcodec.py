"""Hex strings to uint64 arrays and back, exactly as int() and imagehash."""

from __future__ import annotations

import imagehash
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from matching.helpers import U64_MAX, hash_values
from triage_app.matching import HammingIndex, hex_to_u64, popcount64, u64_to_hex


def test_hex_matches_int_parsing() -> None:
    texts = [
        "0000000000000000",
        "ffffffffffffffff",
        "FFFFFFFFFFFFFFFF",
        "8f373714acfcf4d0",
        "8F373714ACFCF4D0",
        "ff",
        "0",
        "0x1f",
        "  00000000000000ab ",
        "dead_beef",
        "0X" + "f" * 16,
        "٣",  # int() accepts any Unicode decimal digit
    ]
    assert hex_to_u64(texts).tolist() == [int(s, 16) for s in texts]
    assert hex_to_u64(tuple(texts[:3])).tolist() == [0, U64_MAX, U64_MAX]
    # 16 characters each, but whitespace: the all-16-digit fast path must not misread them.
    spaced = ["0123456789abcd  ", "  0123456789abcd", "0123456789abcdef", "0123456789abcde "]
    assert hex_to_u64(spaced).tolist() == [int(s, 16) for s in spaced]


@pytest.mark.parametrize("bad", ["", "xyz", "1" + "0" * 16, "-1", "g" * 16, "0x"])
def test_hex_rejects_what_int_rejects_or_too_wide(bad: str) -> None:
    with pytest.raises(ValueError):
        hex_to_u64(["00", bad])


def test_hex_rejects_a_bare_string() -> None:
    with pytest.raises(TypeError):
        hex_to_u64("ffffffffffffffff")


@settings(max_examples=200, deadline=None)
@given(st.lists(hash_values, max_size=20))
def test_hex_round_trip(values: list[int]) -> None:
    texts = u64_to_hex(np.array(values, dtype=np.uint64))
    assert texts == [f"{v:016x}" for v in values]
    assert hex_to_u64(texts).tolist() == values


def test_imagehash_strings_and_distances() -> None:
    """The hex is imagehash's str(), and the distance is imagehash's subtraction."""
    size = 64
    yy, xx = np.mgrid[0:size, 0:size]
    first = Image.fromarray(((xx * 3 + yy * 2) % 256).astype(np.uint8))
    second = Image.fromarray(((xx * xx + yy * 5) % 256).astype(np.uint8))
    h1, h2 = imagehash.phash(first), imagehash.phash(second)
    values = hex_to_u64([str(h1), str(h2)])
    assert u64_to_hex(values) == [str(h1), str(h2)]
    assert int(popcount64(values[:1] ^ values[1:])[0]) == h1 - h2
    index = HammingIndex.build(values)
    found, dist = index.search(int(values[0]), h1 - h2)
    assert found.tolist() == [0, 1]
    assert dist.tolist() == [0, h1 - h2]
