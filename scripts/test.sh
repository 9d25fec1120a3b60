#!/usr/bin/env bash
# Builds hashsieve and runs the whole test suite. Arguments go to CMake (after the Release
# default), e.g. BUILD_DIR=$PWD/build-debug scripts/test.sh -DCMAKE_BUILD_TYPE=Debug.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
"$root/scripts/build.sh" "$@"
cd "$build"
ctest --output-on-failure -j"$(nproc)"
