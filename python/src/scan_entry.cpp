#include "scan_entry.h"

#include <chrono>
#include <cmath>

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

void bind_cancel_token(pb::module_& m) {
  pb::class_<PyCancelToken>(m, "CancelToken", R"doc(Cancels scans from another thread.

Pass it as cancel= to scan, scan_many or match; after cancel(), items stop at their next check
and report the error Cancelled (code "cancelled"), and batch items not yet started are not opened.)doc")
      .def(pb::init<>())
      .def("cancel", [](PyCancelToken& t) { t.token->cancel(); })
      .def_property_readonly("cancelled", [](const PyCancelToken& t) { return t.token->cancelled(); });
}

}  // namespace hashsieve::py
