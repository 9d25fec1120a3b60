#include "errors.h"

namespace hashsieve::py {

namespace {
// Leaked on purpose: destroying Python objects after the interpreter is gone would crash.
pb::dict* by_code = nullptr;
pb::object* base_error = nullptr;
}  // namespace

void init_errors() {
  auto errors = pb::module_::import("hashsieve._errors");
  by_code = new pb::dict(errors.attr("_BY_CODE"));
  base_error = new pb::object(errors.attr("Error"));
}

pb::object error_object(const Status& status) {
  const char* name = status_code_name(status.code());
  pb::str key(name);
  pb::object cls = by_code->contains(key) ? pb::object((*by_code)[key]) : *base_error;
  return cls(pb::str(status.message()), key);
}

void raise_status(const Status& status) {
  pb::object err = error_object(status);
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(err.ptr())), err.ptr());
  throw pb::error_already_set();
}

}  // namespace hashsieve::py
