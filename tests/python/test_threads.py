"""The GIL is released for native work, and scans run in parallel.

Each test makes native code wait on a named pipe that only another Python thread writes: the
writer can run only while the native call has released the GIL, and two pipes written in the
opposite order of the reads complete only if both reads run at the same time. Without that the
test deadlocks, and faulthandler ends the process with a traceback."""

import faulthandler
import os
import threading

import pytest

import hashsieve
from conftest import VECTORS

DEADLOCK_SECONDS = 120


@pytest.fixture(autouse=True)
def deadlock_guard():
    faulthandler.dump_traceback_later(DEADLOCK_SECONDS, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def image():
    return (VECTORS / "images" / "photo-coffee.png").read_bytes()


def pipes(tmp_path, n):
    paths = []
    for i in range(n):
        p = tmp_path / f"pipe{i}"
        os.mkfifo(p)
        paths.append(p)
    return paths


def write_in_order(paths, data):
    """Writes data to each pipe in turn (each open waits for its reader)."""
    def run():
        for p in paths:
            with open(p, "wb") as f:
                f.write(data)
    t = threading.Thread(target=run)
    t.start()
    return t


def test_hash_releases_the_gil(tmp_path, image):
    (pipe,) = pipes(tmp_path, 1)
    writer = write_in_order([pipe], image)
    assert hashsieve.hash(pipe).hex == hashsieve.hash(image).hex
    writer.join()


def test_scan_releases_the_gil(tmp_path, image, make_store):
    scanner = hashsieve.Scanner(make_store({"l": [(hashsieve.hash(image).hex, "coffee", "")]}))
    (pipe,) = pipes(tmp_path, 1)
    writer = write_in_order([pipe], image)
    assert scanner.scan(pipe).outcome == "match"
    writer.join()


def test_scan_many_runs_items_in_parallel(tmp_path, image, make_store):
    scanner = hashsieve.Scanner(make_store({"l": [(hashsieve.hash(image).hex, "coffee", "")]}))
    first, second = pipes(tmp_path, 2)
    writer = write_in_order([second, first], image)  # the second item is fed first
    results = scanner.scan_many([first, second], threads=2)
    writer.join()
    assert [r.outcome for r in results] == ["match", "match"]


def test_python_threads_scan_in_parallel(tmp_path, image, make_store):
    scanner = hashsieve.Scanner(make_store({"l": [(hashsieve.hash(image).hex, "coffee", "")]}))
    first, second = pipes(tmp_path, 2)
    results = {}

    def scan(name, path):
        results[name] = scanner.scan(path).outcome

    threads = [threading.Thread(target=scan, args=("first", first)),
               threading.Thread(target=scan, args=("second", second))]
    for t in threads:
        t.start()
    writer = write_in_order([second, first], image)
    for t in threads + [writer]:
        t.join()
    assert results == {"first": "match", "second": "match"}


def test_many_threads_agree_with_one(make_store, hashable):
    images = [v["path"].read_bytes() for v in hashable[::4]]
    scanner = hashsieve.Scanner(make_store({"l": [(v["pdq"], v["file"], "") for v in hashable[::8]]}))
    serial = [(r.outcome, r.hash, [m.entry_id for m in r.matches]) for r in map(scanner.scan, images)]
    out = [None] * 4

    def run(k):
        out[k] = [(r.outcome, r.hash, [m.entry_id for m in r.matches]) for r in map(scanner.scan, images)]

    threads = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(o == serial for o in out)
