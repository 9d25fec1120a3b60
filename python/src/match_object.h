// hashsieve.Match as a plain CPython type. Scanner.match over 100k hashes builds one per match in
// a single call; a pybind11 instance (a heap-held copy plus an entry in pybind11's instance map)
// cost about a microsecond each, this object holds the ScanMatch inline and is not GC-tracked.
#pragma once

#include <pybind11/pybind11.h>

#include "hashsieve/scanner.h"

namespace hashsieve::py {

namespace pb = pybind11;

// Adds the Match type to the module (once, at import).
void bind_match_type(pb::module_& m);

// A new Match holding `m` (moved from); has_transform false for matches of given hashes (its
// .transform is then None). Returns a new reference, or nullptr with a Python error set.
PyObject* new_match(ScanMatch&& m, bool has_transform) noexcept;

}  // namespace hashsieve::py
