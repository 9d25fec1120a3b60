#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, ASan and UBSan into build-fuzz/ and runs each one for
# SECONDS (default 30) from its committed seed corpus. Any crash, leak, sanitizer report, timeout
# or out-of-memory fails the run; the input that triggered it is saved under
# build-fuzz/artifacts/<target>/. Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(decode_hash image_header parse_hex text_escape list_formats)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}

"$root/scripts/setup-deps.sh" clang-14 libclang-rt-14-dev
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
  -DHASHSIEVE_FUZZ=ON -DHASHSIEVE_BUILD_TOOLS=OFF -DHASHSIEVE_BUILD_TESTS=OFF -DHASHSIEVE_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target $(printf '%s_fuzzer ' "${targets[@]}")

export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
failed=()
for t in "${targets[@]}"; do
  # New inputs go to build-fuzz/corpus/<t> (the first folder); the committed seeds stay as they are.
  mkdir -p "$build/corpus/$t" "$build/artifacts/$t"
  echo "fuzz: $t for ${seconds}s" >&2
  # -close_fd_mask=2 hides the decoders' own chatter on stderr; libFuzzer and sanitizer
  # reports still print. -timeout: one input taking over 10 s is a finding.
  if ! "$build/bin/${t}_fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -close_fd_mask=2 \
      -print_final_stats=1 -artifact_prefix="$build/artifacts/$t/" "$build/corpus/$t" "$root/fuzz/corpus/$t" \
      >"$build/$t.log" 2>&1; then
    failed+=("$t")
    tail -n 60 "$build/$t.log" >&2
  fi
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$build/$t.log" | sed "s/^/  $t /" >&2 || true
done
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: findings in ${failed[*]} (inputs under $build/artifacts/)" >&2
  exit 1
fi
echo "fuzz: no findings" >&2
