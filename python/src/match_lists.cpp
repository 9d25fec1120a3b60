#include "match_lists.h"

#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <vector>
#include <mutex>

#include "errors.h"
#include "hashes.h"
#include "scanner_binding.h"

namespace hashsieve::py {

namespace {

// The GIL, given up and taken back around native work on the calling thread.
class GilToggle {
 public:
  void release() {
    if (!saved_) saved_ = PyEval_SaveThread();
  }
  void acquire() {
    if (saved_) PyEval_RestoreThread(saved_);
    saved_ = nullptr;
  }
  ~GilToggle() { acquire(); }

 private:
  PyThreadState* saved_ = nullptr;
};

// One list per hash: without a pause the collector would walk the young lists every few hundred.
struct GcPause {
  int was_enabled = PyGC_Disable();
  ~GcPause() {
    if (was_enabled) PyGC_Enable();
  }
};

// Hashes [first, first + n)'s matches into out[first ...], one new list each. GIL held.
void fill_lists(PyObject* out, size_t first, Scanner::HashMatches& found, size_t n) {
  if (found.offsets.size() != n + 1) check(Status(StatusCode::kInternal, "match results of the wrong size"));
  GcPause pause;
  for (size_t i = 0; i < n; ++i) {
    const size_t begin = found.offsets[i], count = found.offsets[i + 1] - begin;
    PyObject* l = PyList_New(static_cast<Py_ssize_t>(count));
    if (!l) throw pb::error_already_set();
    PyList_SET_ITEM(out, static_cast<Py_ssize_t>(first + i), l);
    for (size_t k = 0; k < count; ++k)
      PyList_SET_ITEM(l, static_cast<Py_ssize_t>(k),
                      pb::cast(PyMatch{std::move(found.matches[begin + k]), false}).release().ptr());
  }
}

// Hashes per chunk, as Scanner::match_hashes_flat chooses them: every thread gets several.
size_t chunk_size(size_t count, int threads) {
  return std::clamp<size_t>(count / (8 * size_t(threads)) + 1, 64, 1024);
}

// The chunks of one call. Any thread claims the next unsearched chunk; the calling thread
// builds finished chunks in order.
class ChunkedSearch {
 public:
  ChunkedSearch(const Scanner& scanner, const std::vector<Hash256>& hashes, const ScanCall& call, size_t chunk)
      : scanner_(scanner), hashes_(hashes), chunk_(chunk), chunks_((hashes.size() + chunk - 1) / chunk),
        slots_(chunks_), call_(call) {
    call_.threads = 1;  // each chunk on the thread that claimed it
  }

  size_t chunks() const { return chunks_; }
  size_t first_of(size_t c) const { return c * chunk_; }
  size_t size_of(size_t c) const { return std::min(hashes_.size(), first_of(c) + chunk_) - first_of(c); }

  // Searches the next unclaimed chunk once its hashes are read; false when none is left (or the
  // call stopped).
  bool search_next() {
    if (stop_.load(std::memory_order_relaxed)) return false;
    const size_t c = next_.fetch_add(1);
    if (c >= chunks_) return false;
    if (read_.load(std::memory_order_acquire) <= c) {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return read_.load(std::memory_order_acquire) > c || stop_; });
      if (stop_) return false;
    }
    slots_[c].result = scanner_.match_hashes_flat(hashes_.data() + first_of(c), size_of(c), call_);
    {
      std::lock_guard<std::mutex> lock(mu_);
      slots_[c].done = true;
    }
    cv_.notify_all();
    return true;
  }
  bool done(size_t c) {
    std::lock_guard<std::mutex> lock(mu_);
    return slots_[c].done;
  }
  void wait(size_t c) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return slots_[c].done; });
  }
  Result<Scanner::HashMatches>& result(size_t c) { return slots_[c].result; }
  // Chunks [0, n) have their hashes read.
  void read_through(size_t n) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      read_.store(n, std::memory_order_release);
    }
    cv_.notify_all();
  }
  void stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
  }

 private:
  struct Slot {
    Result<Scanner::HashMatches> result = Status(StatusCode::kInternal, "not searched");
    bool done = false;
  };
  const Scanner& scanner_;
  const std::vector<Hash256>& hashes_;
  const size_t chunk_, chunks_;
  std::vector<Slot> slots_;
  ScanCall call_;
  std::atomic<size_t> next_{0};
  std::atomic<size_t> read_{0};
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;
};

// The searching threads besides the caller, stopped and joined however the call ends.
class Helpers {
 public:
  Helpers(ChunkedSearch& search, int threads) : search_(search), arena_(threads) {
    arena_.execute([&] {
      for (int t = 1; t < threads; ++t)
        group_.run([this] {
          while (search_.search_next()) {
          }
        });
    });
  }
  // Runs fn on the calling thread inside the arena, so a search's nested parallelism keeps to
  // the call's threads.
  template <typename Fn>
  void run_here(Fn&& fn) {
    arena_.execute(fn);
  }
  // GIL released. A helper task not yet started runs here and finds nothing left.
  void join() {
    if (joined_) return;
    joined_ = true;
    search_.stop();
    arena_.execute([&] { group_.wait(); });
  }
  ~Helpers() {
    if (!joined_) {
      GilToggle gil;
      if (PyGILState_Check()) gil.release();
      join();
    }
  }

 private:
  ChunkedSearch& search_;
  tbb::task_arena arena_;
  tbb::task_group group_;
  bool joined_ = false;
};

// The whole batch in one library call, then its lists: one thread, or one chunk.
pb::list match_lists_at_once(const Scanner& scanner, const std::vector<Hash256>& q, const ScanCall& call) {
  Result<Scanner::HashMatches> found = Status(StatusCode::kInternal, "not run");
  {
    pb::gil_scoped_release release;
    found = scanner.match_hashes_flat(q.data(), q.size(), call);
  }
  Scanner::HashMatches flat = take(std::move(found));
  pb::list out(q.size());
  fill_lists(out.ptr(), 0, flat, q.size());
  return out;
}

}  // namespace

pb::list match_lists(const Scanner& scanner, pb::handle hashes, const ScanCall& call, int threads) {
  std::vector<Hash256> q;
  HashReader reader;
  check(reader.open(hashes, &q));
  const int n_threads = threads > 0 ? threads : tbb::this_task_arena::max_concurrency();
  const size_t chunk = chunk_size(q.size(), n_threads);
  if (n_threads <= 1 || q.size() <= chunk) {
    check(reader.read(q.size()));
    return match_lists_at_once(scanner, q, call);
  }
  ChunkedSearch search(scanner, q, call, chunk);
  pb::list out(q.size());  // items NULL until filled: freeing it part-filled is safe
  Status failed;
  bool same_generation = true;
  {
    GilToggle gil;
    Helpers helpers(search, n_threads);
    // The other threads search each chunk as soon as it is read (a bad hash stops them all).
    for (size_t c = 0; c < search.chunks() && failed.ok(); ++c) {
      failed = reader.read(search.first_of(c) + search.size_of(c));
      if (failed.ok()) search.read_through(c + 1);
    }
    gil.release();
    uint64_t generation = 0;
    for (size_t next = 0; next < search.chunks() && failed.ok() && same_generation;) {
      if (!search.done(next)) {
        bool searched = false;
        helpers.run_here([&] { searched = search.search_next(); });
        if (!searched) search.wait(next);
        continue;
      }
      gil.acquire();
      for (; next < search.chunks() && search.done(next); ++next) {
        Result<Scanner::HashMatches>& r = search.result(next);
        if (!r.ok()) {
          failed = r.status();
          break;
        }
        if (next == 0) generation = r->generation;
        if (r->generation != generation) {  // a reload swapped generations mid-call
          same_generation = false;
          break;
        }
        fill_lists(out.ptr(), search.first_of(next), *r, search.size_of(next));
        r = Status(StatusCode::kInternal, "built");  // its matches are freed now, not at the end
      }
      gil.release();
    }
    helpers.join();
  }
  check(failed);
  // Rare: all again in one library call, which holds one generation.
  if (!same_generation) return match_lists_at_once(scanner, q, call);
  return out;
}

}  // namespace hashsieve::py
