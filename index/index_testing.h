// Hooks for tests and benchmarks only.
#pragma once

#include "hashsieve/hash_index.h"

namespace hashsieve::detail {
// false: the multi-index serves every query its tables can (no cost-based flat fallback).
void set_allow_fallback(HashIndex* index, bool allow);
}  // namespace hashsieve::detail
