#!/usr/bin/env bash
# Builds the real-photo corpus used by bench/fast_decode_fidelity_bench and bench/scan_bench:
# installs Debian wallpaper packages and copies their JPEGs of at least 2 megapixels into
# ${1:-${BUILD_DIR:-build}/photo-corpus}. The corpus is never committed.
#
# Packages (all artwork under free licences, shipped by Debian):
#   plasma-workspace-wallpapers  KDE photo wallpapers (2560x1600) and a few 5K renders
#   mate-backgrounds             nature photographs (2560x1600 and smaller)
#   lomiri-wallpapers-16.04/-20.04, ukui-wallpapers  photographs 3-24 MP and some illustrations
# Prints one line per copied file: megapixels, size, name.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
out=${1:-$build/photo-corpus}
min_mp=${MIN_MP:-2.0}
packages=(plasma-workspace-wallpapers mate-backgrounds lomiri-wallpapers-16.04 lomiri-wallpapers-20.04 ukui-wallpapers)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p "$out"
# The packages' own files (not whatever else is under /usr/share), JPEGs only, symlinks skipped.
for p in "${packages[@]}"; do dpkg -L "$p"; done | grep -iE '\.jpe?g$' | sort -u |
  /usr/bin/python3 -c '
import os, shutil, sys

def jpeg_size(path):
    """Width, height from the first SOF marker, or None."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] != b"\xff\xd8":
        return None
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
            i += 1 if marker == 0xFF else 2
            continue
        length = int.from_bytes(data[i + 2:i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            h = int.from_bytes(data[i + 5:i + 7], "big")
            w = int.from_bytes(data[i + 7:i + 9], "big")
            return w, h
        i += 2 + length
    return None

out, min_mp = sys.argv[1], float(sys.argv[2])
seen = set()
for line in sys.stdin:
    src = line.strip()
    if not os.path.isfile(src) or os.path.islink(src):
        continue
    size = jpeg_size(src)
    if not size or size[0] * size[1] < min_mp * 1e6:
        continue
    # Flatten the path into a unique name, e.g. wallpapers/Autumn/contents/images/2560x1600.jpg
    # -> Autumn-2560x1600.jpg.
    parts = [p for p in src.split("/") if p not in ("", "usr", "share", "backgrounds", "wallpapers", "contents", "images")]
    name = "-".join(parts)
    if name in seen:
        continue
    seen.add(name)
    dst = os.path.join(out, name)
    shutil.copyfile(src, dst)
    print(f"{size[0]*size[1]/1e6:5.1f} MP {size[0]}x{size[1]} {name}")
' "$out" "$min_mp"
echo "corpus: $(ls "$out" | wc -l) JPEGs in $out" >&2
