// Scanner.match's results: one Python list of Match per hash, built while the rest of the batch
// is still being searched.
#pragma once

#include <pybind11/pybind11.h>

#include <vector>

#include "hashsieve/hash256.h"
#include "hashsieve/scanner.h"

namespace hashsieve::py {

namespace pb = pybind11;

// The matches of `hashes` (any form parse_hashes reads; errors as it gives them) as one new list of Match per hash, in input order, all from one index
// generation. Searches in chunks on `threads` threads (0 = all cores) with the GIL released; the
// calling thread turns finished chunks into Python objects (GIL held) while the other threads
// search the next ones, and searches chunks itself when none is ready. A failed chunk (invalid
// call, deadline, cancel) fails the whole call as Scanner::match_hashes_flat does. GIL held on
// entry and on return. The hashes are read under the GIL while the first chunks are searched.
pb::list match_lists(const Scanner& scanner, pb::handle hashes, const ScanCall& call, int threads);

}  // namespace hashsieve::py
