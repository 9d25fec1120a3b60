// tbb::parallel_for over [first, last) with the fork and the join made visible to
// ThreadSanitizer (oneTBB's scheduler is not instrumented); a plain parallel_for otherwise.
#pragma once

#include <tbb/parallel_for.h>

#include "common/tsan_handoff.h"

namespace hashsieve {

template <typename Index, typename Body>
void parallel_for_index(Index first, Index last, const Body& body) {
  char token = 0;
  handoff_release(&token);  // what the caller set up happens-before every body
  tbb::parallel_for(first, last, [&](Index i) {
    handoff_acquire(&token);
    body(i);
    handoff_release(&token);
  });
  handoff_acquire(&token);  // every body happens-before what the caller does next
}

}  // namespace hashsieve
