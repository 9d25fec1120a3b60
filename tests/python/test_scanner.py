"""hashsieve.Scanner: outcomes, matches with transform and metadata, options, scan_many, match,
reload."""

import csv

import numpy as np
import pytest

import hashsieve
from conftest import VECTORS, flip_bits
from pixels import make_picture, write_bmp


def manifest():
    with open(VECTORS / "manifest.csv", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def photos():
    """{group: {transform: path}} for the photograph groups."""
    groups = {}
    for row in manifest():
        if row["file"].startswith("photo-"):
            groups.setdefault(row["group"], {})[row["transform"]] = VECTORS / "images" / row["file"]
    return groups


@pytest.fixture
def known(make_store, photos, vectors):
    """A store whose list 'known' holds each photograph's original, id = group."""
    by_file = {v["file"]: v for v in vectors}
    rows = [(by_file[g["original"].name]["pdq"], name, name) for name, g in photos.items()]
    return make_store({"known": rows, "other": [(f"{1:064x}", "one", "")]})


def test_match_no_match_low_quality_error(known, photos, vectors):
    scanner = hashsieve.Scanner(known)
    original = photos["astronaut"]["original"]
    r = scanner.scan(original.read_bytes())
    assert r.outcome == "match" and r.error is None
    m = r.matches[0]
    assert (m.list, m.entry_id, m.distance, m.transform) == ("known", "astronaut", 0, "orig")
    assert m.signal == "pdq"
    assert m.metadata == {"added_on": "2024-05-01", "tags": ["astronaut"]}
    assert r.hash == next(v["pdq"] for v in vectors if v["file"] == original.name)
    assert r.generation == 1 and not r.reduced

    rotated = scanner.scan(photos["astronaut"]["rotate-90"])
    assert rotated.outcome == "match"
    assert rotated.matches[0].entry_id == "astronaut"
    assert rotated.matches[0].transform in ("rot90", "rot270")

    unrelated = scanner.scan(VECTORS / "images" / "syn-smooth-1600x1004.png")
    assert (unrelated.outcome, unrelated.matches) == ("no_match", [])

    flat = scanner.scan(VECTORS / "images" / "syn-constant-200x100.png")
    assert flat.outcome == "low_quality" and flat.quality < 50 and flat.matches == []

    bad = scanner.scan(b"\xff\xd8 not really a jpeg")
    assert bad.outcome == "error" and isinstance(bad.error, hashsieve.DecodeError)
    assert bad.error.code == "decode_failed" and bad.hash is None
    missing = scanner.scan(VECTORS / "no-such-file.jpg")
    assert missing.outcome == "error" and isinstance(missing.error, hashsieve.IoError)
    with pytest.raises(ValueError):
        scanner.scan(42)


def test_options_change_what_matches(known, photos):
    rotated = photos["astronaut"]["rotate-90"]
    assert hashsieve.Scanner(known, dihedral=False).scan(rotated).outcome == "no_match"
    assert hashsieve.Scanner(known, lists=["other"]).scan(photos["astronaut"]["original"]).outcome == "no_match"
    allow = hashsieve.Scanner(known, allow=[("known", "astronaut")])
    assert allow.scan(photos["astronaut"]["original"]).outcome == "no_match"
    recompressed = photos["astronaut"]["brightness+25%"]  # 10 bits away
    d = hashsieve.Scanner(known).scan(recompressed).matches[0].distance
    assert d > 0
    assert hashsieve.Scanner(known, radius=d - 1).scan(recompressed).outcome == "no_match"
    assert hashsieve.Scanner(known, list_radius={"known": d}).scan(recompressed).outcome == "match"
    flat = VECTORS / "images" / "syn-degenerate-hgrad-64x64.png"  # quality 44
    assert hashsieve.Scanner(known, min_quality=40).scan(flat).outcome != "low_quality"
    with pytest.raises(ValueError):
        hashsieve.Scanner(known, radius=300)
    with pytest.raises(hashsieve.NotFound):
        hashsieve.Scanner(known, lists=["no-such-list"])


def test_fast_mode_marks_reduced_results(known):
    big = VECTORS / "images" / "syn-smooth-4000x3000-q92.jpg"
    assert hashsieve.Scanner(known, fast=True).scan(big).reduced
    assert not hashsieve.Scanner(known).scan(big).reduced


def test_scan_pixels_equals_scan_bytes(make_store):
    rgb = make_picture()
    h = hashsieve.hash(rgb)
    scanner = hashsieve.Scanner(make_store({"l": [(h.hex, "pic", "")]}))
    for source in (rgb, np.asfortranarray(rgb), write_bmp(rgb)):
        r = scanner.scan(source)
        assert r.outcome == "match" and r.matches[0].distance == 0 and r.hash == h.hex and r.generation == 1
    mirrored = scanner.scan(rgb[:, ::-1])
    assert mirrored.outcome == "match" and mirrored.matches[0].transform in ("flipx", "flipy")


def test_scan_many_keeps_order_and_fails_per_item(known, photos):
    scanner = hashsieve.Scanner(known)
    items = [
        photos["astronaut"]["original"].read_bytes(),
        b"garbage",
        str(photos["coffee"]["original"]),
        12345,
        make_picture(),
        np.zeros((10, 10), np.float64),
        VECTORS / "images" / "syn-constant-200x100.png",
    ]
    for threads in (0, 1, 2):
        results = scanner.scan_many(items, threads=threads)
        assert [r.outcome for r in results] == [
            "match", "error", "match", "error", "no_match", "error", "low_quality"]
        assert results[0].matches[0].entry_id == "astronaut"
        assert results[2].matches[0].entry_id == "coffee"
        assert results[1].error.code == "decode_failed"
        assert results[3].error.code == "invalid_argument" and isinstance(results[3].error, ValueError)
        assert "uint8" in str(results[5].error)
    every = [p for g in photos.values() for p in g.values()]
    serial = [scanner.scan(p) for p in every]
    batch = scanner.scan_many(every, threads=2)
    assert [(r.outcome, r.hash, [(m.entry_id, m.distance, m.transform) for m in r.matches]) for r in batch] == \
           [(r.outcome, r.hash, [(m.entry_id, m.distance, m.transform) for m in r.matches]) for r in serial]
    assert scanner.scan_many([]) == []


def test_match_given_hashes(known, photos, vectors, rng):
    scanner = hashsieve.Scanner(known)
    by_file = {v["file"]: v for v in vectors}
    astronaut = by_file[photos["astronaut"]["original"].name]["pdq"]
    near = flip_bits(astronaut, 31, rng)
    far = flip_bits(astronaut, 32, rng)
    result = scanner.match([astronaut, bytes.fromhex(near), far, flip_bits(astronaut, 128, rng)])
    assert len(result) == 4
    assert [(m.entry_id, m.distance, m.transform) for m in result[0]] == [("astronaut", 0, None)]
    assert [(m.entry_id, m.distance) for m in result[1]] == [("astronaut", 31)]
    assert result[2] == [] and result[3] == []
    assert result[0][0].metadata == {"added_on": "2024-05-01", "tags": ["astronaut"]}
    array = np.frombuffer(bytes.fromhex(astronaut + near), np.uint8).reshape(2, 32)
    assert [[m.distance for m in ms] for ms in scanner.match(array)] == [[0], [31]]
    assert scanner.match([]) == []
    assert hashsieve.Scanner(known, radius=30).match([near]) == [[]]
    assert hashsieve.Scanner(known, allow=[("known", "astronaut")]).match([astronaut]) == [[]]
    with pytest.raises(ValueError, match="hash 1"):
        scanner.match([astronaut, "xyz"])
    with pytest.raises(ValueError):
        scanner.match(astronaut)  # a bare string is not a sequence of hashes


def test_reload_swaps_in_new_entries(known, tmp_path):
    scanner = hashsieve.Scanner(known)
    pic = write_bmp(make_picture(seed=11))
    assert scanner.scan(pic).outcome == "no_match"
    before = scanner.generation
    (tmp_path / "new.csv").write_text(f"{hashsieve.hash(pic).hex},new-pic,2024-05-01,new\n")
    known.import_file("known", tmp_path / "new.csv", format="tx-csv")
    assert scanner.scan(pic).outcome == "no_match"  # still the old generation
    info = scanner.reload()
    assert info["number"] == before["number"] + 1 == scanner.generation["number"]
    assert info["lists"]["known"] == before["lists"]["known"] + 1
    r = scanner.scan(pic)
    assert r.outcome == "match" and r.generation == info["number"]
    assert r.matches[0].metadata == {"added_on": "2024-05-01", "tags": ["new"]}


def test_per_call_lists_radius_and_cancellation(known, photos, vectors):
    scanner = hashsieve.Scanner(known)
    original = photos["astronaut"]["original"].read_bytes()
    bright = photos["astronaut"]["brightness+25%"].read_bytes()
    assert scanner.scan(original, lists=["other"]).outcome == "no_match"
    assert scanner.scan(original, lists=["known"]).outcome == "match"
    unknown = scanner.scan(original, lists=["no-such-list"])
    assert unknown.outcome == "error" and unknown.error.code == "invalid_argument"
    d = scanner.scan(bright).matches[0].distance
    assert scanner.scan(bright, radius=d - 1).outcome == "no_match"
    assert scanner.scan(bright, radius=d).outcome == "match"
    by_file = {v["file"]: v for v in vectors}
    h = by_file[photos["astronaut"]["original"].name]["pdq"]
    assert scanner.match([h], lists=["other"]) == [[]]
    with pytest.raises(ValueError):
        scanner.match([h], lists=["no-such-list"])

    token = hashsieve.CancelToken()
    assert not token.cancelled
    token.cancel()
    assert token.cancelled
    r = scanner.scan(original, cancel=token)
    assert r.outcome == "error" and isinstance(r.error, hashsieve.Cancelled) and r.error.code == "cancelled"
    assert {r.error.code for r in scanner.scan_many([original, bright], cancel=token)} == {"cancelled"}
    assert {r.error.code for r in scanner.scan_many([original, bright], timeout=0)} == {"cancelled"}
    with pytest.raises(hashsieve.Cancelled):
        scanner.match([h] * 1000, cancel=token)
    assert scanner.scan(original, timeout=60).outcome == "match"
    with pytest.raises(ValueError):
        scanner.scan(original, timeout=-1)


def test_version():
    import re
    assert re.fullmatch(r"\d+\.\d+\.\d+", hashsieve.__version__)
