"""hashsieve.pytx against the python-threatexchange stand-in: the signal type keeps the name
'pdq', its index is exact at distance 31, and survives pickling as HMA stores it."""

import io
import pickle
import random
import threading

import pytest

from conftest import distance, flip_bits

pytest.importorskip("threatexchange")  # the stand-in in pytx_stand_in/
from threatexchange.signal_type.index import (  # noqa: E402
    IndexMatchUntyped,
    SignalSimilarityInfoWithSingleDistance,
    SignalTypeIndex,
)
from threatexchange.signal_type.pdq.signal import PdqSignal  # noqa: E402

from hashsieve.pytx import HashsievePDQIndex, HashsievePdqSignal  # noqa: E402


def brute_force(entries, query, threshold=31):
    return sorted((distance(h, query), i) for i, (h, _) in enumerate(entries) if distance(h, query) <= threshold)


@pytest.fixture
def entries():
    rng = random.Random(99)
    centres = [f"{rng.getrandbits(256):064x}" for _ in range(50)]
    out = [(c, {"bank_content_id": i}) for i, c in enumerate(centres)]
    # Neighbours at every distance around the threshold, and random hashes.
    for i, d in enumerate(list(range(0, 40)) * 3):
        out.append((flip_bits(centres[i % 50], d, rng), {"bank_content_id": 1000 + i}))
    out += [(f"{rng.getrandbits(256):064x}", {"bank_content_id": 5000 + i}) for i in range(2000)]
    return out


def test_signal_type_keeps_the_name_pdq():
    assert HashsievePdqSignal.get_name() == "pdq" == PdqSignal.get_name()
    assert issubclass(HashsievePdqSignal, PdqSignal)
    assert HashsievePdqSignal.get_index_cls() is HashsievePDQIndex
    assert issubclass(HashsievePDQIndex, SignalTypeIndex)

    class NamedByClass(PdqSignal):  # what pytx would call a subclass without the override
        pass
    assert NamedByClass.get_name() == "named_by_class"


def test_index_is_exact_at_the_threshold(entries):
    index = HashsievePDQIndex.build(entries)
    assert len(index) == len(entries)
    rng = random.Random(5)
    queries = [h for h, _ in entries[:50]] + [flip_bits(h, 20, rng) for h, _ in entries[50:120]]
    for q in queries:
        got = index.query(q)
        assert all(isinstance(m, IndexMatchUntyped) for m in got)
        assert all(isinstance(m.similarity_info, SignalSimilarityInfoWithSingleDistance) for m in got)
        assert all(type(m.similarity_info.distance) is int for m in got)
        pairs = sorted((m.similarity_info.distance, m.metadata["bank_content_id"]) for m in got)
        want = sorted((d, entries[i][1]["bank_content_id"]) for d, i in brute_force(entries, q))
        assert pairs == want
        assert [m.similarity_info.distance for m in got] == sorted(m.similarity_info.distance for m in got)
    # Centre 31 has a neighbour 31 bits away (entry 50 + 31), centre 32 one 32 bits away.
    assert distance(entries[31][0], entries[81][0]) == 31 and distance(entries[32][0], entries[82][0]) == 32
    assert entries[81][1] in [m.metadata for m in index.query(entries[31][0])]
    assert entries[82][1] not in [m.metadata for m in index.query(entries[32][0])]


def test_duplicates_and_incremental_adds():
    h = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
    index = HashsievePDQIndex()
    assert index.query(h) == []
    index.add(h, "a")
    index.add_all([(h, "b"), ("0" * 64, "c")])
    assert sorted(m.metadata for m in index.query(h)) == ["a", "b"]
    assert [m.metadata for m in index.query("0" * 64)] == ["c"]
    with pytest.raises(ValueError):
        index.add("not a hash", "d")
    with pytest.raises(ValueError):
        index.query("abc")


def test_pickle_round_trip_as_hma_stores_it(entries):
    index = HashsievePDQIndex.build(entries)
    buf = io.BytesIO()
    index.serialize(buf)  # pytx's serialize: pickle.dump
    buf.seek(0)
    loaded = SignalTypeIndex.deserialize(buf)
    assert type(loaded) is HashsievePDQIndex and len(loaded) == len(entries)
    for q, _ in entries[::37]:
        assert loaded.query(q) == index.query(q)
    assert len(pickle.dumps(index)) < len(entries) * 200  # hashes and metadata, no native state
    copy = pickle.loads(pickle.dumps(loaded))
    copy.add("0" * 64, {"bank_content_id": -1})
    assert len(copy) == len(loaded) + 1


def test_queries_from_many_threads(entries):
    index = HashsievePDQIndex.build(entries)
    queries = [h for h, _ in entries[:200]]
    want = [[(m.similarity_info.distance, m.metadata["bank_content_id"]) for m in index.query(q)] for q in queries]
    got = [None] * 4

    def run(k):
        got[k] = [[(m.similarity_info.distance, m.metadata["bank_content_id"]) for m in index.query(q)] for q in queries]

    threads = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(g == want for g in got)


def test_hash_from_bytes_and_file(hashable):
    for v in hashable[::9]:
        want = v["pdq"] if v["quality"] >= 50 else ""
        assert HashsievePdqSignal.hash_from_bytes(v["path"].read_bytes()) == want
        assert HashsievePdqSignal.hash_from_file(v["path"]) == want
    assert HashsievePdqSignal.hash_from_bytes(b"not an image") == ""
    assert HashsievePdqSignal.validate_signal_str(hashable[0]["pdq"]) == hashable[0]["pdq"]
