// Native timings for bench/python_bench.py: the same work as a Python call, timed inside C++,
// so the bench can print the binding's cost beside the library's from one run.
#include <pybind11/stl.h>

#include <chrono>
#include <ctime>

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
      [](const PyScanner& s, pb::handle queries) {
        std::vector<Hash256> q;
        check(parse_hashes(queries, &q));
        pb::gil_scoped_release release;
        const auto start = std::chrono::steady_clock::now();
        auto found = match_hashes(*s.scanner, q, ScanCall{});
        return found.ok() ? seconds_since(start) : -1.0;
      },
      pb::arg("scanner"), pb::arg("queries"),
      "Seconds of the binding's parallel Scanner::match_hash loop over the queries, without making "
      "Python objects (-1 on error).");

  m.def(
      "_time_index_search",
      [](const PyStore& store, pb::handle queries, std::vector<std::string> lists) {
        std::vector<Hash256> q;
        check(parse_hashes(queries, &q));
        Result<std::unique_ptr<HashIndex>> index = Status(StatusCode::kInternal, "not run");
        double secs = 0;
        size_t found = 0;
        Status searched;
        {
          pb::gil_scoped_release release;
          auto snapshot = store.store->snapshot_active(lists);
          if (!snapshot.ok()) {
            index = snapshot.status();
          } else {
            index = HashIndex::Build(std::move(*snapshot));
          }
          if (index.ok()) {
            const auto start = std::chrono::steady_clock::now();
            auto matches = (*index)->search(q.data(), q.size(), SearchOptions{});
            secs = seconds_since(start);
            if (matches.ok()) found = matches->size();
            else searched = matches.status();
          }
        }
        take(std::move(index));
        check(searched);
        return std::make_pair(secs, found);
      },
      pb::arg("store"), pb::arg("queries"), pb::arg("lists") = std::vector<std::string>(),
      "(seconds, matches) of one HashIndex::search over the store's active entries at each list's "
      "radius, timed in C++ (the index build is not timed).");
}

}  // namespace hashsieve::py
