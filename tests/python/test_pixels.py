"""Decoded pixels: every layout and stride numpy produces gives the hash of the same picture
encoded, packed rows are read in place, and wrong dtypes and shapes are ValueErrors."""

import numpy as np
import pytest

import hashsieve
from hashsieve import _native
from pixels import make_picture, read_bmp, write_bmp


@pytest.fixture(scope="module")
def rgb():
    return make_picture()


@pytest.fixture(scope="module")
def expected(rgb):
    """The hash of the same picture as encoded bytes, decoded by the library."""
    return hashsieve.hash(write_bmp(rgb), dihedral=True)


def test_contiguous_rgb_equals_the_encoded_picture(rgb, expected):
    got = hashsieve.hash(rgb, dihedral=True)
    assert got.hex == expected.hex and got.quality == expected.quality == 100
    assert got.dihedral == expected.dihedral
    assert (got.width, got.height) == (rgb.shape[1], rgb.shape[0])


def test_bmp_vector_pixels_equal_the_reference(vectors):
    v = next(v for v in vectors if v["file"].endswith(".bmp"))
    pixels = read_bmp(v["path"].read_bytes())
    assert hashsieve.hash(pixels).hex == v["pdq"]


def layouts(rgb):
    h, w, _ = rgb.shape
    padded = np.zeros((h, w + 13, 3), np.uint8)
    padded[:, :w] = rgb
    wide = np.zeros((h, w * 2, 3), np.uint8)
    wide[:, ::2] = rgb
    planar = np.ascontiguousarray(rgb.transpose(2, 0, 1)).transpose(1, 2, 0)
    flipped_store = np.ascontiguousarray(rgb[::-1])
    return {
        "row padding (a column slice)": padded[:, :w],
        "every other column": wide[:, ::2],
        "Fortran order": np.asfortranarray(rgb),
        "planar (channels outermost)": planar,
        "negative row stride": flipped_store[::-1],
        "transposed twice": np.ascontiguousarray(rgb.transpose(1, 0, 2)).transpose(1, 0, 2),
        "read-only": np.frombuffer(rgb.tobytes(), np.uint8).reshape(rgb.shape),
    }


@pytest.mark.parametrize("name", list(layouts(make_picture()).keys()))
def test_every_stride_layout_hashes_the_same(rgb, expected, name):
    view = layouts(rgb)[name]
    assert np.array_equal(view, rgb)
    assert hashsieve.hash(view, dihedral=True).dihedral == expected.dihedral


def test_packed_rows_are_read_in_place(rgb):
    layout = layouts(rgb)
    assert _native._reads_in_place(rgb)
    assert _native._reads_in_place(layout["row padding (a column slice)"])
    assert _native._reads_in_place(layout["read-only"])
    assert not _native._reads_in_place(rgb[:, :, 0])  # one channel of RGB: pixels 3 bytes apart
    for name in ("every other column", "Fortran order", "planar (channels outermost)", "negative row stride"):
        assert not _native._reads_in_place(layout[name]), name


def test_bgr_order(rgb, expected):
    bgr = np.ascontiguousarray(rgb[:, :, ::-1])
    assert hashsieve.hash(bgr, order="bgr").hex == expected.hex
    assert hashsieve.hash(rgb[:, :, ::-1], order="bgr").hex == expected.hex  # strided BGR view of RGB
    assert hashsieve.hash(bgr).hex != expected.hex


def test_rgba_ignores_alpha(rgb, expected):
    rng = np.random.default_rng(3)
    rgba = np.concatenate([rgb, rng.integers(0, 256, rgb.shape[:2] + (1,), dtype=np.uint8)], axis=2)
    assert hashsieve.hash(rgba).hex == expected.hex
    bgra = np.ascontiguousarray(rgba[:, :, [2, 1, 0, 3]])
    assert hashsieve.hash(bgra, order="bgr").hex == expected.hex


def test_gray_layouts_agree(rgb):
    gray = np.ascontiguousarray(rgb[:, :, 1])
    want = hashsieve.hash(gray)
    assert want.quality > 50
    assert hashsieve.hash(gray[:, :, None]).hex == want.hex  # HxWx1
    assert hashsieve.hash(rgb[:, :, 1]).hex == want.hex  # strided: one channel of RGB
    assert hashsieve.hash(np.asfortranarray(gray)).hex == want.hex
    # A gray picture as RGB is the same picture (the luma of equal channels is the gray level).
    as_rgb = np.repeat(gray[:, :, None], 3, axis=2)
    assert bin(int(hashsieve.hash(as_rgb).hex, 16) ^ int(want.hex, 16)).count("1") <= 2


@pytest.mark.parametrize("dtype", [np.float32, np.uint16, np.int8, np.bool_, np.int64])
def test_wrong_dtype_is_value_error(rgb, dtype):
    with pytest.raises(ValueError, match="uint8") as e:
        hashsieve.hash(rgb.astype(dtype))
    assert isinstance(e.value, hashsieve.InvalidArgument) and e.value.code == "invalid_argument"


@pytest.mark.parametrize("shape, reason", [
    ((10, 10, 2), "1, 3 or 4 channels"),
    ((10, 10, 5), "1, 3 or 4 channels"),
    ((4, 10, 10, 3), "4 dimensions"),
    ((0, 10, 3), "empty"),
])
def test_wrong_shape_is_value_error(shape, reason):
    with pytest.raises(ValueError, match=reason):
        hashsieve.hash(np.zeros(shape, np.uint8))


def test_one_dimensional_uint8_is_encoded_bytes(rgb, expected):
    encoded = np.frombuffer(write_bmp(rgb), np.uint8)
    assert hashsieve.hash(encoded).hex == expected.hex


def test_small_and_large_pixel_arrays():
    with pytest.raises(hashsieve.ImageTooSmall):
        hashsieve.hash(np.zeros((4, 100, 3), np.uint8))
    big = np.zeros((200, 300), np.uint8)
    with pytest.raises(hashsieve.ImageTooLarge):
        hashsieve.hash(big, max_pixels=200 * 300 - 1)
