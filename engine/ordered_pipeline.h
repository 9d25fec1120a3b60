// The engine's one pipeline shape: a serial source, parallel per-item work, a serial in-order
// sink, with a bounded number of items in flight (so memory is bounded whatever the queue length).
#pragma once

#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include <memory>

#include "common/tsan_handoff.h"

namespace hashsieve {

inline int resolve_threads(int requested) {
  return requested > 0 ? requested : tbb::this_task_arena::max_concurrency();
}

// next(Item&) -> bool fills the next item (false at the end); work(Item&) runs in parallel;
// sink(Item&) sees the items in source order, one at a time.
template <typename Item, typename Next, typename Work, typename Sink>
void run_ordered_pipeline(int threads, int max_in_flight, Next&& next, Work&& work, Sink&& sink) {
  threads = resolve_threads(threads);
  const size_t tokens = size_t(max_in_flight > 0 ? max_in_flight : 2 * threads);
  bool done = false;
  // Tokens for ThreadSanitizer: consecutive calls of a serial stage, and the state `work`
  // touches (e.g. per-thread scratch), may be on different threads; oneTBB orders them.
  char source_calls = 0, work_calls = 0, sink_calls = 0;
  // Everything set up before the run happens-before every stage's first call.
  handoff_release(&source_calls);
  handoff_release(&work_calls);
  handoff_release(&sink_calls);
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_pipeline(
        tokens,
        tbb::make_filter<void, Item*>(tbb::filter_mode::serial_in_order,
                                      [&](tbb::flow_control& fc) -> Item* {
                                        handoff_acquire(&source_calls);
                                        auto item = std::make_unique<Item>();
                                        if (done || !next(*item)) {
                                          done = true;
                                          fc.stop();
                                          handoff_release(&source_calls);
                                          return nullptr;
                                        }
                                        handoff_release(&source_calls);
                                        handoff_release(item.get());
                                        return item.release();
                                      }) &
            tbb::make_filter<Item*, Item*>(tbb::filter_mode::parallel,
                                           [&](Item* item) {
                                             handoff_acquire(&work_calls);
                                             handoff_acquire(item);
                                             work(*item);
                                             handoff_release(item);
                                             handoff_release(&work_calls);
                                             return item;
                                           }) &
            tbb::make_filter<Item*, void>(tbb::filter_mode::serial_in_order, [&](Item* item) {
              handoff_acquire(item);
              handoff_acquire(&sink_calls);
              std::unique_ptr<Item> owned(item);
              sink(*owned);
              handoff_release(&sink_calls);
            }));
  });
  // The caller reads what the stages wrote and destroys per-thread state.
  handoff_acquire(&source_calls);
  handoff_acquire(&work_calls);
  handoff_acquire(&sink_calls);
}

}  // namespace hashsieve
