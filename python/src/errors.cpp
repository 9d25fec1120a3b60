#include "errors.h"

namespace hashsieve::py {

namespace {
// Leaked on purpose: destroying Python objects after the interpreter is gone would crash.
pb::dict* by_code = nullptr;
pb::object* base_error = nullptr;

// hashsieve._errors builds its classes from status_code_names(), so it imports this module:
// the classes are looked up on the first error rather than while this module initialises.
void load_error_classes() {
  if (by_code) return;
  auto errors = pb::module_::import("hashsieve._errors");
  base_error = new pb::object(errors.attr("Error"));
  by_code = new pb::dict(errors.attr("_BY_CODE"));
}
}  // namespace

pb::tuple status_code_names() {
  pb::list names;
  for (int c = 1; c < 256; ++c) {
    const std::string name = status_code_name(static_cast<StatusCode>(c));
    if (name == "unknown") break;
    names.append(pb::str(name));
  }
  return pb::tuple(names);
}

pb::object error_object(const Status& status) {
  load_error_classes();
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
