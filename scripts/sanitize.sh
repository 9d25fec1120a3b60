#!/usr/bin/env bash
# Builds the library, CLI and unit tests with sanitizers (gcc) and runs the tests under them:
#   build-asan/  AddressSanitizer + UndefinedBehaviorSanitizer, the whole suite
#   build-tsan/  ThreadSanitizer, the tests that drive the parallel pipeline
# Any finding fails the run. Usage: scripts/sanitize.sh [asan|tsan]...  (default: both)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup-deps.sh"

# -O1 keeps sanitized tests fast while leaving stacks readable.
common=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g"
        -DHASHSIEVE_BUILD_BENCH=OFF -DHASHSIEVE_BUILD_TESTS=ON -DHASHSIEVE_BUILD_TOOLS=ON)
# install_consumer checks packaging, and an unsanitized consumer cannot load a sanitized library.
not_packaging=(-E install_consumer)

run_asan() {
  local b=$root/build-asan flags="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
  cmake -S "$root" -B "$b" "${common[@]}" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
  cmake --build "$b" -j"$(nproc)"
  # exitcode=86: a finding in the CLI (run by the tests as a child) must not look like its
  # documented "some items failed" status 1.
  ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:exitcode=86:detect_stack_use_after_return=1:strict_string_checks=1 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=86 \
    ctest --test-dir "$b" --output-on-failure -j"$(nproc)" "${not_packaging[@]}"
}

run_tsan() {
  local b=$root/build-tsan flags="-fsanitize=thread -fno-omit-frame-pointer"
  cmake -S "$root" -B "$b" "${common[@]}" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=thread" >/dev/null
  cmake --build "$b" -j"$(nproc)"
  # Only tests that run work on several threads: the CLI (TBB pipeline), the engine and index,
  # batch matching, and a reader refreshing while a writer imports (live reload, delta generations).
  # A SIMD level changes no thread's work, so the per-level tests run at the best levels only, not
  # scalar; and the cell forms' test, whose gigabyte tables TSan is slowest at, is left to the other
  # builds (the wide build's threads run in the other IndexParity tests).
  TSAN_OPTIONS="halt_on_error=1:exitcode=86:second_deadlock_stack=1:suppressions=$root/scripts/tsan.supp" \
    ctest --test-dir "$b" --output-on-failure -j"$(nproc)" -R 'CliHash|CliScan|HostilePaths|Engine|IndexParity|HashFiles|ScannerMatchHashes|LiveScanner|StoreDataVersion|GenerationDelta' \
      -E 'install_consumer|/scalar|WideCellFormsMatchFlat'
}

which=("$@")
[ ${#which[@]} -eq 0 ] && which=(asan tsan)
for w in "${which[@]}"; do
  case $w in
    asan) run_asan ;;
    tsan) run_tsan ;;
    *) echo "sanitize.sh: unknown build '$w' (asan or tsan)" >&2; exit 2 ;;
  esac
done
