"""hashsieve.hash(): parity with the command line and the conformance vectors, every source
kind, and the errors of the contract."""

import json
import pathlib
import subprocess

import pytest

import hashsieve
from conftest import CLI, VECTORS

DIHEDRAL = ["orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipp", "flipm"]


def cli_hashes(paths, *extra):
    out = subprocess.run([CLI, "hash", "--dihedral", "--format", "jsonl", *extra, *map(str, paths)],
                         check=False, capture_output=True, text=True)
    assert out.returncode in (0, 1), out.stderr
    return {pathlib.Path(r["path"]).name: r for r in map(json.loads, out.stdout.splitlines())}


def test_every_vector_equals_the_cli_and_the_reference(hashable):
    cli = cli_hashes(v["path"] for v in hashable)
    assert len(cli) == len(hashable)
    for v in hashable:
        from_path = hashsieve.hash(v["path"], dihedral=True)
        from_bytes = hashsieve.hash(v["path"].read_bytes(), dihedral=True)
        c = cli[v["file"]]
        for got in (from_path, from_bytes):
            assert got.hex == c["pdq"] == v["pdq"], v["file"]
            assert got.quality == c["quality"] == v["quality"], v["file"]
            assert (got.width, got.height) == (v["width"], v["height"])
            assert got.dihedral == c["dihedral"] == {n: v["dih_" + n] for n in DIHEDRAL}, v["file"]
            assert got.bytes == bytes.fromhex(got.hex)


def test_cli512_flavor_equals_the_cli(hashable):
    sample = hashable[::7]
    cli = cli_hashes((v["path"] for v in sample), "--flavor", "cli512")
    for v in sample:
        got = hashsieve.hash(v["path"], flavor="cli512")
        assert got.hex == cli[v["file"]]["pdq"] == v["pdq_cli512"], v["file"]
        assert got.dihedral is None


def test_bytes_like_and_path_like_sources(hashable):
    v = hashable[0]
    data = v["path"].read_bytes()
    for source in (data, bytearray(data), memoryview(data), str(v["path"]), pathlib.Path(v["path"])):
        assert hashsieve.hash(source).hex == v["pdq"]


def test_undecodable_input_is_decode_error():
    with pytest.raises(hashsieve.DecodeError) as e:
        hashsieve.hash(b"this is not an image")
    assert e.value.code == "decode_failed" and isinstance(e.value, hashsieve.Error)
    truncated = (VECTORS / "images" / "mode-progressive.jpg").read_bytes()[:200]
    with pytest.raises(hashsieve.DecodeError):
        hashsieve.hash(truncated)


def test_images_under_5x5_are_refused(vectors):
    tiny = [v for v in vectors if v["width"] < 5 or v["height"] < 5]
    assert tiny
    for v in tiny:
        with pytest.raises(hashsieve.ImageTooSmall) as e:
            hashsieve.hash(v["path"])
        assert e.value.code == "image_too_small"


def test_too_large_is_refused_before_decoding(hashable):
    v = max(hashable, key=lambda v: v["width"] * v["height"])
    with pytest.raises(hashsieve.ImageTooLarge) as e:
        hashsieve.hash(v["path"], max_pixels=v["width"] * v["height"] - 1)
    assert e.value.code == "image_too_large"
    assert hashsieve.hash(v["path"], max_pixels=v["width"] * v["height"]).hex == v["pdq"]


def test_missing_file_is_io_error(tmp_path):
    with pytest.raises(hashsieve.IoError) as e:
        hashsieve.hash(tmp_path / "missing.jpg")
    assert isinstance(e.value, OSError) and e.value.code == "io_error"
    assert "missing.jpg" in str(e.value)


@pytest.mark.parametrize("source", [12, None, 3.5, ["a"]])
def test_wrong_source_type_is_value_error(source):
    with pytest.raises(ValueError, match="expected bytes, a path or a uint8 pixel array"):
        hashsieve.hash(source)


def test_bad_options_are_value_errors(hashable):
    with pytest.raises(ValueError, match="flavor"):
        hashsieve.hash(hashable[0]["path"], flavor="tiny")
    with pytest.raises(ValueError, match="order"):
        hashsieve.hash(hashable[0]["path"], order="rbg")


def test_error_hierarchy():
    for cls in (hashsieve.DecodeError, hashsieve.ImageTooLarge, hashsieve.ImageTooSmall, hashsieve.IoError,
                hashsieve.NotFound, hashsieve.AlreadyExists, hashsieve.InvalidArgument, hashsieve.CorruptionError,
                hashsieve.VersionMismatch, hashsieve.ParseError, hashsieve.Unsupported, hashsieve.Cancelled):
        assert issubclass(cls, hashsieve.Error)
        assert cls("x").code != "internal"
    assert issubclass(hashsieve.InvalidArgument, ValueError)
    assert issubclass(hashsieve.IoError, OSError)
