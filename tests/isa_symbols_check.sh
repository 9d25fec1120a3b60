#!/usr/bin/env bash
# Checks the rule for per-ISA translation units (top of hashers/pdq_kernels.h and
# index/flat_scan_kernels.h) on their object files (those named *_avx2.cpp.o / *_avx512.cpp.o;
# other arguments are ignored):
#   - no weak or unique symbols (nm W, V, u: inline functions, template instantiations, inline
#     variables the linker could merge with baseline copies) and no COMDAT section groups;
#   - no defined external symbol but the kernel-table getters, hashsieve::...::*_kernels().
# Exempt: DW.ref.__gxx_personality_v0 (and its group), a pointer to the C++ exception personality
# routine that exception tables of instrumented builds refer to: data, the same in every file.
# Usage: isa_symbols_check.sh [--expect-violation] NM READELF OBJECT...
# --expect-violation inverts the verdict: the checker's own test on an object that breaks the rule.
set -euo pipefail
expect_violation=0
if [ "${1:-}" = --expect-violation ]; then expect_violation=1; shift; fi
nm=$1 readelf=$2
shift 2
getter='^hashsieve::[a-z0-9_:]+::[a-z0-9_]+_kernels\(\)$'
checked=0 violations=0
report() { echo "$1: $2"; violations=$((violations + 1)); }
# CMake passes a target's objects as one ;-separated argument.
objects=()
for arg in "$@"; do
  IFS=';' read -r -a parts <<<"$arg"
  objects+=("${parts[@]}")
done
for obj in "${objects[@]}"; do
  case $obj in *_avx2.cpp.o | *_avx512.cpp.o) ;; *) continue ;; esac
  checked=$((checked + 1))
  symbols=$("$nm" --defined-only -C "$obj")
  while read -r _ type name; do
    [ -n "${name:-}" ] || continue
    [ "$name" = DW.ref.__gxx_personality_v0 ] && continue
    case $type in
      W | V | u) report "$obj" "weak or unique symbol ($type) $name" ;;
      [A-Z]) [[ $name =~ $getter ]] || report "$obj" "external symbol ($type) $name" ;;
    esac
  done <<<"$symbols"
  groups=$("$readelf" -g -W "$obj" | grep 'COMDAT group' | grep -vc '\[DW\.ref\.__gxx_personality_v0\]' || true)
  [ "$groups" -eq 0 ] || report "$obj" "$groups COMDAT section group(s)"
done
if [ "$checked" -eq 0 ]; then
  echo "isa_symbols_check: no per-ISA object files among the arguments" >&2
  exit 2
fi
echo "isa_symbols_check: $checked object file(s), $violations violation(s)"
if [ "$expect_violation" -eq 1 ]; then
  [ "$violations" -gt 0 ] && exit 0
  echo "isa_symbols_check: expected the rule-breaking object to be flagged" >&2
  exit 1
fi
[ "$violations" -eq 0 ]
