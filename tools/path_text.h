// How a path is written in every output (reports, hash lines, diagnostics, the scan state file):
// valid UTF-8 stays as it is; a backslash becomes "\\"; a byte that is a control character
// (C0, DEL, or a C1 control's UTF-8 bytes) or not part of valid UTF-8 becomes "\xHH" (two upper-
// case hex digits). The escape is lossless and distinct: unescaping gives back the exact bytes,
// so two different names never print alike, and the result holds no newline or terminal control.
#pragma once

#include <string>
#include <string_view>

namespace hashsieve::cli {

std::string escape_path(std::string_view path);

// True when escape_path(path) == path (the common case: no copy needed).
bool path_prints_as_is(std::string_view path);

}  // namespace hashsieve::cli
