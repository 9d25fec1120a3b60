#include "scan_entry.h"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>

#include "errors.h"

namespace hashsieve::py {

CallParams make_call(const std::optional<std::vector<std::string>>& lists, std::optional<int> radius,
                     std::optional<double> timeout, const PyCancelToken* cancel) {
  CallParams p;
  if (lists) p.call.lists = *lists;
  if (radius) {
    if (*radius < 0 || *radius > 256) check(Status(StatusCode::kInvalidArgument, "radius must be 0..256"));
    p.call.radius = *radius;
  }
  if (timeout) {
    if (!(*timeout >= 0) || !std::isfinite(*timeout))
      check(Status(StatusCode::kInvalidArgument, "timeout must be a finite number of seconds >= 0"));
    p.call.deadline = std::chrono::steady_clock::now() +
                      std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(*timeout));
  }
  if (cancel) {
    p.cancel = cancel->token;
    p.call.cancel = p.cancel.get();
  }
  return p;
}

Result<std::vector<std::vector<ScanMatch>>> match_hashes(const Scanner& scanner, const std::vector<Hash256>& hashes,
                                                         const ScanCall& call) {
  std::vector<std::vector<ScanMatch>> out(hashes.size());
  std::mutex error_mu;
  Status error;
  std::atomic<bool> failed{false};
  tbb::parallel_for(tbb::blocked_range<size_t>(0, hashes.size(), 256), [&](const tbb::blocked_range<size_t>& r) {
    for (size_t i = r.begin(); i != r.end() && !failed.load(std::memory_order_relaxed); ++i) {
      ScanResult res = scanner.match_hash(hashes[i], -1, call);
      if (res.outcome == ScanOutcome::kError) {
        std::lock_guard<std::mutex> lock(error_mu);
        if (!failed.exchange(true)) error = res.status;
        return;
      }
      out[i] = std::move(res.matches);
    }
  });
  if (failed) return error;
  return out;
}

void bind_cancel_token(pb::module_& m) {
  pb::class_<PyCancelToken>(m, "CancelToken", R"doc(Cancels scans from another thread.

Pass it as cancel= to scan, scan_many or match; after cancel(), items stop at their next check
and report the error Cancelled (code "cancelled"), and batch items not yet started are not opened.)doc")
      .def(pb::init<>())
      .def("cancel", [](PyCancelToken& t) { t.token->cancel(); })
      .def_property_readonly("cancelled", [](const PyCancelToken& t) { return t.token->cancelled(); });
}

}  // namespace hashsieve::py
