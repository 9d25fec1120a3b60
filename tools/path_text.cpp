#include "tools/path_text.h"

#include <cstdint>

namespace hashsieve::cli {
namespace {

// Length of the valid UTF-8 sequence at s[i] (1..4), or 0 when the byte starts none.
// Overlong forms, surrogates and code points over U+10FFFF are not valid.
size_t utf8_length(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return uint8_t(s[i + k]); };
  const uint8_t c = b(0);
  if (c < 0x80) return 1;
  size_t n;
  uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size() || b(1) < lo || b(1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if ((b(k) & 0xC0) != 0x80) return 0;
  return n;
}

bool is_control(std::string_view s, size_t i, size_t n) {
  const auto c = uint8_t(s[i]);
  if (n == 1) return c < 0x20 || c == 0x7F;
  return n == 2 && c == 0xC2 && uint8_t(s[i + 1]) <= 0x9F;  // U+0080..U+009F
}

void append_hex(std::string& out, uint8_t byte) {
  static const char kHex[] = "0123456789ABCDEF";
  out += "\\x";
  out += kHex[byte >> 4];
  out += kHex[byte & 15];
}

}  // namespace

bool path_prints_as_is(std::string_view path) {
  for (size_t i = 0; i < path.size();) {
    const size_t n = utf8_length(path, i);
    if (n == 0 || path[i] == '\\' || is_control(path, i, n)) return false;
    i += n;
  }
  return true;
}

std::string escape_path(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (size_t i = 0; i < path.size();) {
    const size_t n = utf8_length(path, i);
    if (n == 0) {
      append_hex(out, uint8_t(path[i++]));
    } else if (path[i] == '\\') {
      out += "\\\\";
      ++i;
    } else if (is_control(path, i, n)) {
      for (size_t k = 0; k < n; ++k) append_hex(out, uint8_t(path[i + k]));
      i += n;
    } else {
      out.append(path, i, n);
      i += n;
    }
  }
  return out;
}

}  // namespace hashsieve::cli
