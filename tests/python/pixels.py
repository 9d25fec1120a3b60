"""Pure-Python image helpers for the tests: a 24-bit BMP reader and writer, so pixel arrays and
encoded bytes of the same picture can be compared without an imaging library."""

import struct

import numpy as np


def read_bmp(data: bytes) -> np.ndarray:
    """An uncompressed 24- or 32-bit BMP -> HxWx3 RGB uint8."""
    assert data[:2] == b"BM"
    offset = struct.unpack_from("<I", data, 10)[0]
    width, height = struct.unpack_from("<ii", data, 18)
    bpp, compression = struct.unpack_from("<HI", data, 28)
    assert bpp in (24, 32) and compression in (0, 3), (bpp, compression)
    step = bpp // 8
    pitch = (width * step + 3) & ~3
    rows = np.frombuffer(data, np.uint8, pitch * abs(height), offset).reshape(abs(height), pitch)
    bgr = rows[:, : width * step].reshape(abs(height), width, step)[:, :, :3]
    if height > 0:  # bottom-up
        bgr = bgr[::-1]
    return np.ascontiguousarray(bgr[:, :, ::-1])


def write_bmp(rgb: np.ndarray) -> bytes:
    """HxWx3 RGB uint8 -> a 24-bit bottom-up BMP."""
    height, width, _ = rgb.shape
    pitch = (width * 3 + 3) & ~3
    body = np.zeros((height, pitch), np.uint8)
    body[:, : width * 3] = rgb[::-1, :, ::-1].reshape(height, width * 3)
    header = struct.pack("<2sIHHI", b"BM", 54 + body.size, 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, body.size, 2835, 2835, 0, 0)
    return header + info + body.tobytes()


def make_picture(height=120, width=160, seed=7) -> np.ndarray:
    """A deterministic RGB picture with structure at several scales (quality 100)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack([
        128 + 100 * np.sin(x / 9.0) * np.cos(y / 13.0),
        128 + 90 * np.cos((x + y) / 17.0),
        128 + 80 * np.sin((x - 2 * y) / 11.0),
    ], axis=2)
    noise = rng.normal(0, 8, (height, width, 3))
    return np.clip(base + noise, 0, 255).astype(np.uint8)
