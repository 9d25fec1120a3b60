"""Shared fixtures for the Python module's tests.

Run by ctest with PYTHONPATH pointing at the build's python/ folder; HASHSIEVE_CLI names the
command line (for parity checks) and HASHSIEVE_TEST_DATA the tests/data folder.
"""

import csv
import os
import pathlib
import random
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
DATA = pathlib.Path(os.environ.get("HASHSIEVE_TEST_DATA", HERE.parent / "data"))
VECTORS = DATA / "pdq-vectors"
CLI = os.environ.get("HASHSIEVE_CLI", str(HERE.parents[1] / "build" / "bin" / "hashsieve"))

# The python-threatexchange stand-in, for hashsieve.pytx.
sys.path.insert(0, str(HERE / "pytx_stand_in"))


def load_vectors():
    with open(VECTORS / "expected.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["width"], r["height"], r["quality"] = int(r["width"]), int(r["height"]), int(r["quality"])
        r["path"] = VECTORS / "images" / r["file"]
    return rows


@pytest.fixture(scope="session")
def vectors():
    return load_vectors()


@pytest.fixture(scope="session")
def hashable(vectors):
    """Vectors PDQ is defined for (at least 5x5)."""
    return [v for v in vectors if v["width"] >= 5 and v["height"] >= 5]


def flip_bits(hex_hash, count, rng):
    """A hash exactly `count` bits away from hex_hash."""
    value = int(hex_hash, 16)
    for bit in rng.sample(range(256), count):
        value ^= 1 << bit
    return f"{value:064x}"


def distance(a, b):
    return bin(int(a, 16) ^ int(b, 16)).count("1")


@pytest.fixture
def rng():
    return random.Random(1234)


def write_tx_csv(path, rows):
    """python-threatexchange's stored CSV: indicator,descriptor_id,added_on,labels."""
    with open(path, "w") as f:
        f.write("indicator,descriptor_id,added_on,labels\n")
        for hex_hash, entry_id, labels in rows:
            f.write(f"{hex_hash},{entry_id},2024-05-01,{labels}\n")
    return path


@pytest.fixture
def make_store(tmp_path):
    """make_store({list: [(hash, entry_id, labels), ...]}) -> an open hashsieve.Store."""
    import hashsieve

    def make(lists, radius=31):
        store = hashsieve.Store(tmp_path / "db", create=True)
        for name, rows in lists.items():
            store.create_list(name, radius=radius)
            summary = store.import_file(name, write_tx_csv(tmp_path / f"{name}.csv", rows), format="tx-csv")
            assert summary.errors == [] and summary.added == len(rows)
        return store

    return make
