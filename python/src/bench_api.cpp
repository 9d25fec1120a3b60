// Native timings for bench/python_bench.py: the same work as a Python call, timed inside C++,
// so the bench can print the binding's cost beside the library's from one run.
#include <pybind11/stl.h>

#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>
#include <tuple>

#include "bindings.h"
#include "errors.h"
#include "hashes.h"
#include "hashsieve/hash_index.h"
#include "scan_entry.h"
#include "scanner_binding.h"
#include "store.h"

namespace hashsieve::py {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// CPU time of the calling thread: unlike wall time, it does not count the time other processes
// hold the core, so a per-call cost stays measurable on a busy machine.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// The queries in calls of `chunk`, the calls spread over the arena's threads (each call on one thread).
Status search_in_chunks(const HashIndex& index, const std::vector<Hash256>& q, size_t chunk, size_t* found) {
  std::atomic<size_t> total{0};
  std::mutex mu;
  Status failed;
  SearchOptions one_thread;
  one_thread.parallel = false;
  tbb::parallel_for(size_t(0), (q.size() + chunk - 1) / chunk, [&](size_t c) {
    const size_t begin = c * chunk, n = std::min(q.size(), begin + chunk) - begin;
    auto matches = index.search(q.data() + begin, n, one_thread);
    if (matches.ok()) {
      total += matches->size();
    } else {
      std::lock_guard<std::mutex> lock(mu);
      failed = matches.status();
    }
  });
  *found = total;
  return failed;
}

// CPU time of the whole process (every thread): the work a parallel call did, which other
// processes on a busy machine do not inflate the way they inflate its wall time.
double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// Wall and process CPU seconds of one run of fn().
struct Timed {
  double wall = 0, cpu = 0;
};
template <typename Fn>
Timed timed(Fn&& fn) {
  const auto start = std::chrono::steady_clock::now();
  const double cpu = process_cpu_seconds();
  fn();
  return Timed{seconds_since(start), process_cpu_seconds() - cpu};
}

}  // namespace

void bind_bench(pb::module_& m) {
  m.def(
      "_time_scan_buffer",
      [](const PyScanner& s, pb::bytes data, int repeat, bool expect_error) {
        std::string bytes = data;
        pb::gil_scoped_release release;
        const double start = thread_cpu_seconds();
        for (int i = 0; i < repeat; ++i) {
          ScanResult r = s.scanner->scan_buffer(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
          if ((r.outcome == ScanOutcome::kError) != expect_error) return -1.0;
        }
        return thread_cpu_seconds() - start;
      },
      pb::arg("scanner"), pb::arg("data"), pb::arg("repeat"), pb::arg("expect_error") = false,
      "Thread CPU seconds of `repeat` Scanner::scan_buffer calls on one image, timed in C++ (-1 if an "
      "outcome is not the expected one).");

  m.def(
      "_time_scanner_match",
      [](const PyScanner& s, pb::handle queries, int threads, bool flat) {
        std::vector<Hash256> q;
        check(parse_hashes(queries, &q));
        pb::gil_scoped_release release;
        ScanCall call;
        call.threads = threads;
        size_t found = 0;
        bool failed = false;
        // Each side frees its results inside the timing, as the Python call does.
        const Timed t = timed([&] {
          if (flat) {
            auto m = s.scanner->match_hashes_flat(q.data(), q.size(), call);
            failed = !m.ok();
            if (m.ok()) found = m->matches.size();
            return;
          }
          std::vector<ScanResult> results = s.scanner->match_hashes(q, call);
          for (const ScanResult& r : results) {
            failed |= r.outcome == ScanOutcome::kError;
            found += r.matches.size();
          }
        });
        if (failed) return std::make_tuple(-1.0, -1.0, size_t(0));
        return std::make_tuple(t.wall, t.cpu, found);
      },
      pb::arg("scanner"), pb::arg("queries"), pb::arg("threads") = 0, pb::arg("flat") = true,
      "(wall seconds, process CPU seconds, matches) of one Scanner::match_hashes_flat call (what "
      "Scanner.match runs; flat=False: match_hashes, a ScanResult per hash) over the queries, "
      "timed in C++ without Python objects ((-1, -1, 0) if an item failed).");

  m.def(
      "_time_index_search",
      [](const PyStore& store, pb::handle queries, std::vector<size_t> chunks, std::vector<std::string> lists,
         int threads) {
        std::vector<Hash256> q;
        check(parse_hashes(queries, &q));
        Result<std::unique_ptr<HashIndex>> index = Status(StatusCode::kInternal, "not run");
        std::vector<std::tuple<double, double, size_t>> timings;
        Status searched;
        {
          pb::gil_scoped_release release;
          auto snapshot = store.store->snapshot_active(lists);
          if (!snapshot.ok()) {
            index = snapshot.status();
          } else {
            index = HashIndex::Build(std::move(*snapshot));
          }
          // The same thread count as the Python side's call (0: the caller's arena, all cores).
          tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
          for (size_t chunk : chunks) {
            if (!index.ok() || !searched.ok()) break;
            size_t found = 0;
            const Timed t = timed([&] { arena.execute([&] {
              if (chunk == 0) {
                auto matches = (*index)->search(q.data(), q.size(), SearchOptions{});
                if (matches.ok()) found = matches->size();
                else searched = matches.status();
              } else {
                searched = search_in_chunks(**index, q, chunk, &found);
              }
            }); });
            timings.emplace_back(t.wall, t.cpu, found);
          }
        }
        take(std::move(index));
        check(searched);
        return timings;
      },
      pb::arg("store"), pb::arg("queries"), pb::arg("chunks") = std::vector<size_t>{0},
      pb::arg("lists") = std::vector<std::string>(), pb::arg("threads") = 0,
      "[(wall seconds, process CPU seconds, matches)] of HashIndex::search over the store's active entries at each list's "
      "radius, timed in C++ (the index, built once, is not timed), for each of `chunks`: 0 = one "
      "call over all the queries (the index parallelises inside it), n = calls of n queries each, "
      "spread over the threads in TBB tasks; threads as for Scanner.match (0 = all cores).");
}

}  // namespace hashsieve::py
