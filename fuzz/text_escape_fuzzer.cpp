// json_quote and csv_field on arbitrary bytes (file names are arbitrary bytes).
// Invariants: the JSON literal is valid UTF-8, quoted, free of raw control characters, and
// decodes back to the input when the input was valid UTF-8; the CSV field unquotes to the input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/text_escape.h"
#include "fuzz/fuzz_check.h"

namespace {

// Strict UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF), written independently of
// the code under test.
bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = uint8_t(s[i]);
    size_t n;
    uint32_t min;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { n = 2; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { n = 3; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { n = 4; min = 0x10000; }
    else return false;
    if (s.size() - i < n) return false;
    uint32_t cp = c & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) {
      const auto b = uint8_t(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = cp << 6 | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes the escapes json_quote may write; returns false on anything else.
bool json_unquote(std::string_view q, std::string& out) {
  if (q.size() < 2 || q.front() != '"' || q.back() != '"') return false;
  q = q.substr(1, q.size() - 2);
  for (size_t i = 0; i < q.size(); ++i) {
    const char c = q[i];
    if (c == '"' || uint8_t(c) < 0x20) return false;  // must have been escaped
    if (c != '\\') { out += c; continue; }
    if (++i == q.size()) return false;
    switch (q[i]) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        if (q.size() - i < 5) return false;
        uint32_t cp = 0;
        for (size_t k = 1; k <= 4; ++k) {
          const int v = hex_value(q[i + k]);
          if (v < 0) return false;
          cp = cp << 4 | uint32_t(v);
        }
        i += 4;
        if (cp < 0x80) out += char(cp);
        else if (cp == 0xFFFD) out += "\xEF\xBF\xBD";
        else return false;
        break;
      }
      default: return false;
    }
  }
  return true;
}

// RFC 4180 unquoting of one field; returns false when it is not a well-formed field.
bool csv_unquote(std::string_view f, std::string& out) {
  if (f.empty() || f.front() != '"') {
    if (f.find_first_of(",\"\r\n") != std::string_view::npos) return false;  // needed quotes
    out = f;
    return true;
  }
  if (f.size() < 2 || f.back() != '"') return false;
  f = f.substr(1, f.size() - 2);
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] == '"') {
      if (i + 1 == f.size() || f[i + 1] != '"') return false;
      ++i;
    }
    out += f[i];
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  const std::string json = hashsieve::json_quote(in);
  FUZZ_CHECK(valid_utf8(json));
  std::string decoded;
  FUZZ_CHECK(json_unquote(json, decoded));
  if (valid_utf8(in)) FUZZ_CHECK(decoded == in);

  const std::string csv = hashsieve::csv_field(in);
  std::string field;
  FUZZ_CHECK(csv_unquote(csv, field));
  FUZZ_CHECK(field == in);
  return 0;
}
