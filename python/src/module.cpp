// The native half of the hashsieve package; hashsieve/__init__.py re-exports it.
#include "bindings.h"
#include "errors.h"
#include "hashsieve/version.h"

PYBIND11_MODULE(_native, m) {
  m.doc() = "hashsieve's native module: PDQ hashing, hash-list stores and scanning.";
  m.attr("_STATUS_CODES") = hashsieve::py::status_code_names();
  m.attr("__version__") = hashsieve::version().string;
  hashsieve::py::bind_hash(m);
  hashsieve::py::bind_store(m);
  hashsieve::py::bind_index(m);
  hashsieve::py::bind_scanner(m);
  hashsieve::py::bind_bench(m);
  hashsieve::py::bind_batch(m);
}
