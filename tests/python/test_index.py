"""hashsieve.Index: exact search over hashes held in memory, every input form, pickling."""

import pickle
import random

import numpy as np
import pytest

import hashsieve
from conftest import distance, flip_bits


@pytest.fixture(scope="module")
def hashes():
    rng = random.Random(7)
    base = [f"{rng.getrandbits(256):064x}" for _ in range(300)]
    return base + [flip_bits(h, rng.randint(0, 45), rng) for h in base[:200]]


def test_search_equals_brute_force_at_every_radius(hashes):
    index = hashsieve.Index(hashes)
    assert len(index) == len(hashes)
    queries = hashes[::17] + [flip_bits(h, 25, random.Random(i)) for i, h in enumerate(hashes[:20])]
    for radius in (0, 10, 31, 64):
        got = index.search(queries, radius)
        for q, found in zip(queries, got):
            want = sorted((distance(h, q), i) for i, h in enumerate(hashes) if distance(h, q) <= radius)
            assert sorted((d, i) for i, d in found) == want
            assert [d for _, d in found] == sorted(d for _, d in found)
        assert [index.query(q, radius) for q in queries[:5]] == got[:5]


def test_input_forms_agree(hashes):
    raw = b"".join(bytes.fromhex(h) for h in hashes)
    forms = [hashes, [bytes.fromhex(h) for h in hashes], np.frombuffer(raw, np.uint8).reshape(-1, 32)]
    results = [hashsieve.Index(f).search(hashes[:30]) for f in forms]
    assert results[0] == results[1] == results[2]
    assert hashsieve.Index(hashes).hashes() == raw


def test_pickle_round_trip(hashes):
    index = hashsieve.Index(hashes)
    loaded = pickle.loads(pickle.dumps(index))
    assert len(loaded) == len(index) and loaded.hashes() == index.hashes()
    assert loaded.search(hashes[:50]) == index.search(hashes[:50])


def test_errors(hashes):
    with pytest.raises(ValueError, match="hash 2"):
        hashsieve.Index([hashes[0], hashes[1], "zz"])
    with pytest.raises(ValueError):
        hashsieve.Index(hashes).query(hashes[0], radius=257)
    with pytest.raises(ValueError, match="32 bytes"):
        hashsieve.Index([b"short"])
    with pytest.raises(ValueError, match=r"\(n, 32\)"):
        hashsieve.Index(np.zeros((3, 31), np.uint8))
    empty = hashsieve.Index([])
    assert len(empty) == 0 and empty.query(hashes[0]) == []
