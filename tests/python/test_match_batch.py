"""Scanner.match over many hashes in one call (the library's batch entry point): the same
matches, radii, allow list and metadata as matching each hash alone, in input order, whatever
the input form and thread count."""

import random

import numpy as np
import pytest

import hashsieve
from conftest import flip_bits


def random_hex(rng):
    return f"{rng.getrandbits(256):064x}"


@pytest.fixture
def lists(rng):
    """Two lists of random hashes (radii 31 and 20); ids 'a-N' and 'b-N'."""
    return {name: [(random_hex(rng), f"{name}-{i}", f"tag{i % 4}") for i in range(400)] for name in ("a", "b")}


@pytest.fixture
def store(make_store, lists):
    s = make_store({"a": lists["a"]})
    s.create_list("b", radius=20)
    return s


def fill_b(store, lists, tmp_path):
    from conftest import write_tx_csv
    store.import_file("b", write_tx_csv(tmp_path / "b.csv", lists["b"]), format="tx-csv")


def queries(lists, rng, n):
    """Exact copies, near copies (0..45 bits away) and random misses, shuffled."""
    entries = [h for rows in lists.values() for h, _, _ in rows]
    out = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            out.append(rng.choice(entries))
        elif kind == 1:
            out.append(flip_bits(rng.choice(entries), rng.randint(0, 45), rng))
        else:
            out.append(random_hex(rng))
    rng.shuffle(out)
    return out


def as_tuples(per_hash):
    return [[(m.list, m.entry_id, m.distance, m.transform, m.metadata) for m in ms] for ms in per_hash]


def one_by_one(scanner, hashes, **kw):
    return [scanner.match([h], **kw)[0] for h in hashes]


def test_batch_equals_one_hash_at_a_time(store, lists, rng, tmp_path):
    fill_b(store, lists, tmp_path)
    scanner = hashsieve.Scanner(store)
    q = queries(lists, rng, 3000)
    batch = scanner.match(q)
    assert len(batch) == len(q)
    assert as_tuples(batch) == as_tuples(one_by_one(scanner, q))
    assert sum(map(len, batch)) > len(q) // 4  # real matches were compared, not only misses
    # Each entry's metadata comes with its match; radius 20 holds for list b.
    for h, ms in zip(q, batch):
        for m in ms:
            assert m.transform is None
            assert m.metadata["tags"] == [f"tag{int(m.entry_id.split('-')[1]) % 4}"]
            assert m.distance <= (31 if m.list == "a" else 20)


def test_input_forms_and_threads_give_the_same_order(store, lists, rng, tmp_path):
    fill_b(store, lists, tmp_path)
    scanner = hashsieve.Scanner(store)
    q = queries(lists, rng, 5000)
    want = as_tuples(scanner.match(q, threads=1))
    raw = [bytes.fromhex(h) for h in q]
    array = np.frombuffer(b"".join(raw), np.uint8).reshape(len(q), 32)
    assert as_tuples(scanner.match(raw)) == want
    assert as_tuples(scanner.match(array, threads=2)) == want
    assert as_tuples(scanner.match(tuple(q), threads=3)) == want
    # Mixed forms in one sequence, upper-case hex included.
    mixed = [h.upper() if i % 3 == 0 else bytes.fromhex(h) if i % 3 == 1 else h for i, h in enumerate(q)]
    assert as_tuples(scanner.match(mixed)) == want


def test_radius_lists_and_allow_list_as_one_by_one(store, lists, rng, tmp_path):
    fill_b(store, lists, tmp_path)
    q = queries(lists, rng, 1200)
    allowed = lists["a"][0]
    q.append(allowed[0])
    scanner = hashsieve.Scanner(store, allow=[("a", allowed[1])], list_radius={"b": 40})
    for kw in ({}, {"radius": 8}, {"radius": 60}, {"lists": ["b"]}):
        got = scanner.match(q, **kw)
        assert as_tuples(got) == as_tuples(one_by_one(scanner, q, **kw)), kw
        assert all(m.entry_id != allowed[1] for ms in got for m in ms)
        if "lists" in kw:
            assert all(m.list == "b" for ms in got for m in ms)
    narrow = sum(map(len, scanner.match(q, radius=8)))
    wide = sum(map(len, scanner.match(q, radius=60)))
    assert narrow < wide


def test_call_errors_raise_for_the_batch(store, lists, rng):
    scanner = hashsieve.Scanner(store)
    q = queries(lists, rng, 2000)
    with pytest.raises(ValueError):
        scanner.match(q, lists=["missing"])
    with pytest.raises(ValueError):
        scanner.match(q, radius=300)
    with pytest.raises(ValueError):
        scanner.match(q, threads=-1)
    with pytest.raises(hashsieve.Cancelled):
        scanner.match(q, timeout=0)
    with pytest.raises(ValueError, match="hash 1999"):
        scanner.match(q[:-1] + ["z" * 64])
    assert scanner.match([]) == []


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_a_bad_hash_anywhere_names_the_first_bad_position(store, lists, rng, threads):
    """Later hashes are read while the first chunks are already being searched: a bad one in any
    chunk still fails the whole call with the first bad position, as before, and the scanner
    answers the next call normally."""
    scanner = hashsieve.Scanner(store)
    q = queries(lists, rng, 5000)
    want = as_tuples(scanner.match(q, threads=threads))
    for first_bad in (0, 1500, 4999):
        bad = list(q)
        bad[first_bad] = "z" * 64
        if first_bad + 7 < len(bad):
            bad[first_bad + 7] = 12345  # a later bad item of another kind is not the one named
        with pytest.raises(ValueError, match=f"hash {first_bad}: not a PDQ hash"):
            scanner.match(bad, threads=threads)
    with pytest.raises(ValueError, match="hash 3000: a hash must be 64 hex digits"):
        scanner.match(q[:3000] + [None] + q[3000:], threads=threads)
    assert as_tuples(scanner.match(q, threads=threads)) == want


def test_hashes_in_one_buffer_equal_the_hex_path(store, lists, rng, tmp_path):
    """The fast input forms: n*32 bytes in one buffer, an (n, 32) uint8 array of any strides."""
    fill_b(store, lists, tmp_path)
    scanner = hashsieve.Scanner(store)
    q = queries(lists, rng, 3000)
    want = as_tuples(scanner.match(q))
    raw = b"".join(bytes.fromhex(h) for h in q)
    array = np.frombuffer(raw, np.uint8).reshape(len(q), 32)
    wide = np.zeros((len(q), 64), np.uint8)
    wide[:, 16:48] = array  # rows 64 bytes apart
    every_other = np.repeat(array, 2, axis=0)[::2]
    forms = {
        "bytes": raw,
        "bytearray": bytearray(raw),
        "memoryview": memoryview(raw),
        "1-d array": np.frombuffer(raw, np.uint8),
        "strided 1-d array": np.repeat(np.frombuffer(raw, np.uint8), 2)[::2],
        "column slice": wide[:, 16:48],
        "row step": every_other,
        "fortran order": np.asfortranarray(array),
        "int8 array": array.view(np.int8),
    }
    for name, form in forms.items():
        assert as_tuples(scanner.match(form, threads=2)) == want, name
    assert scanner.match(b"") == []
    assert scanner.match(np.zeros((0, 32), np.uint8)) == []
    # One hash as 32 bytes is a batch of one.
    assert as_tuples(scanner.match(bytes.fromhex(q[0]))) == want[:1]


def test_hash_buffers_of_the_wrong_shape_raise(store):
    scanner = hashsieve.Scanner(store)
    bad = {
        "31 columns": np.zeros((4, 31), np.uint8),
        "3 dimensions": np.zeros((4, 32, 1), np.uint8),
        "33 bytes": bytes(33),
        "1-d array of 40": np.zeros(40, np.uint8),
        "wider items": np.zeros((4, 32), np.int64),
        "floats": np.zeros((4, 32), np.float32),
        "hex text": "ab" * 32,
    }
    for name, form in bad.items():
        with pytest.raises(ValueError):
            scanner.match(form)
            pytest.fail(name)
    with pytest.raises(ValueError, match=r"\(n, 31\)"):
        scanner.match(bad["31 columns"])
    with pytest.raises(ValueError, match="n\\*32 bytes, got 33"):
        scanner.match(bad["33 bytes"])


def test_results_are_independent_lists_of_read_only_matches(store, lists, rng):
    """Every hash gets its own list (lists are mutable: changing one changes no other), the
    misses included; each Match has the documented attribute types and cannot be altered."""
    scanner = hashsieve.Scanner(store)
    q = queries(lists, rng, 2000)
    got = scanner.match(q)
    assert all(type(ms) is list for ms in got)
    assert len({id(ms) for ms in got}) == len(got)
    misses = [i for i, ms in enumerate(got) if not ms]
    assert len(misses) > 100
    got[misses[0]].append("mine")
    assert all(got[i] == [] for i in misses[1:])
    assert scanner.match([q[misses[0]]]) == [[]]
    got[misses[0]].clear()
    found = [m for ms in got for m in ms]
    assert found
    for m in found:
        assert isinstance(m, hashsieve.Match)
        assert type(m.list) is str and type(m.entry_id) is str and type(m.distance) is int
        assert m.transform is None and m.signal == "pdq"
        assert repr(m) == f"<hashsieve.Match {m.list}/{m.entry_id} distance={m.distance}>"
    with pytest.raises(AttributeError):
        found[0].distance = 0
    with pytest.raises(TypeError):
        hashsieve.Match()


def test_a_reload_during_a_call_never_mixes_generations(store, lists, rng, tmp_path):
    """A call's chunks are searched while another thread swaps generations: every call answers
    wholly from one generation (list b's entries all found, or none of them), never part old and
    part new."""
    import threading

    from conftest import write_tx_csv

    scanner = hashsieve.Scanner(store)
    b_rows = lists["b"]
    csv = write_tx_csv(tmp_path / "b.csv", b_rows)
    # b's hashes spread through a batch of misses, so every chunk holds some.
    q = [random_hex(rng) for _ in range(20000)]
    for i in range(0, len(q), 50):
        q[i] = b_rows[(i // 50) % len(b_rows)][0]
    want = len(q) // 50
    done = threading.Event()

    def swap_generations():
        try:
            for _ in range(8):
                store.import_file("b", csv, format="tx-csv")
                scanner.reload()
                store.withdraw("b", [entry_id for _, entry_id, _ in b_rows])
                scanner.reload()
        finally:
            done.set()

    writer = threading.Thread(target=swap_generations)
    writer.start()
    calls = 0
    while not done.is_set() or calls < 2:
        got = scanner.match(q, threads=2)
        found = sum(1 for ms in got for m in ms if m.list == "b")
        assert found in (0, want), f"call {calls}: {found} of {want} b matches: generations mixed"
        calls += 1
    writer.join()
