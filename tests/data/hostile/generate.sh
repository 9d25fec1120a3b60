#!/usr/bin/env bash
# Regenerates the small images in this folder from one conformance vector (run from anywhere).
# Needs Debian's python3-pil and libjpeg-turbo-progs (cjpeg); the outputs are committed, so the
# test suite itself needs neither.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../pdq-vectors/images/photo-chelsea-half.jpg
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

/usr/bin/python3 - "$src" "$here" "$tmp" <<'PY'
import struct, sys, zlib
from PIL import Image

src, out, tmp = sys.argv[1:4]
# 96x64 is large enough for a stable PDQ hash and keeps every file a few KB.
base = Image.open(src).convert("RGB").resize((96, 64), Image.BICUBIC)
base.save(f"{out}/plain.png")                       # the reference every variant is compared with
base.save(f"{tmp}/plain.ppm")                       # cjpeg input
base.quantize(256).save(f"{out}/palette.png")       # colour type 3
base.convert("LA").save(f"{out}/gray-alpha.png")    # colour type 4
base.convert("CMYK").save(f"{out}/cmyk.jpg", quality=90)

def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

# 16 bits per channel RGB (PIL cannot write it): each 8-bit sample v becomes v * 257.
w, h = base.size
px = base.load()
rows = b"".join(b"\0" + b"".join(struct.pack(">HHH", *(c * 257 for c in px[x, y])) for x in range(w))
                for y in range(h))
with open(f"{out}/rgb16.png", "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0)) +
            png_chunk(b"IDAT", zlib.compress(rows, 9)) + png_chunk(b"IEND", b""))
PY

cjpeg -quality 90 -progressive -outfile "$here/progressive.jpg" "$tmp/plain.ppm"
cjpeg -quality 90 -arithmetic -outfile "$here/arithmetic.jpg" "$tmp/plain.ppm"
