// Entry metadata is JSON text in the store; Python callers get the parsed value.
#pragma once

#include <pybind11/pybind11.h>

#include <string>

namespace hashsieve::py {

namespace pybind = pybind11;

// None for empty text; the parsed value; the text itself if it is not JSON.
inline pybind::object parse_metadata(const std::string& text) {
  if (text.empty()) return pybind::none();
  static pybind::object* loads = new pybind::object(pybind::module_::import("json").attr("loads"));
  try {
    return (*loads)(pybind::str(text));
  } catch (pybind::error_already_set&) {
    return pybind::str(text);
  }
}

}  // namespace hashsieve::py
