#!/usr/bin/env bash
# Installs the Debian packages hashsieve builds and tests with. Idempotent: quiet when all are present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libopencv-dev libtbb-dev librocksdb-dev libjpeg62-turbo-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev  # the command line's option parser (header-only)
  libcpp-httplib-dev  # `hashsieve serve`'s HTTP server (server/)
  wrk  # bench/serve_bench.sh's load generator
  strace
  nlohmann-json3-dev libexpat1-dev  # list readers: JSON (SAX) and XML as streams
  pybind11-dev python3-dev python3-numpy python3-pytest  # the Python module and its tests
  libhiredis-dev redis-server  # hashsieve consume (Redis Streams) and its tests' own Redis servers
  python3-distributed  # hashsieve.dask (batch scans on a Dask cluster) and its tests
  libfaiss-dev  # optional at build time: only bench/index_bench's peer comparison uses it
)
packages+=("$@")

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
