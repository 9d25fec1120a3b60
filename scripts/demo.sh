#!/usr/bin/env bash
# Installs what is missing, builds, and runs hashsieve's main job on the bundled demo data.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
"$root/scripts/build.sh"
hs="$build/bin/hashsieve"
cd "$root"
images=tests/data/pdq-vectors/images

echo "== PDQ hashes of the demo photographs (hash,quality,path) =="
"$hs" hash -v "$images"/photo-*.png
