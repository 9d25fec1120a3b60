// Breaks the rule for per-ISA translation units on purpose (an external helper, a std::min and a
// std::vector instantiation in a file compiled for AVX2), so the isa_symbols_catches test shows
// that tests/isa_symbols_check.sh flags it. Never linked into anything.
#include <algorithm>
#include <vector>

int helper_shared_by_mistake(int a, int b) { return std::min(a, b); }

std::vector<float> buffer_of(int n) { return std::vector<float>(size_t(n)); }
