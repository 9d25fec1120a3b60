#include "server/plain_get.h"

namespace hashsieve::server {
namespace {

// The library's limits: a request line (with its CRLF) over 8192 bytes is a 414, a header line
// over 8192 a 400. Anything near them is left to it.
constexpr size_t kMaxLine = 8192 - 2;
constexpr size_t kMaxHeaders = 64;

// A byte the library passes through its URL decoding unchanged (and that may appear in a target).
bool plain_target_byte(char c) {
  return c > ' ' && c < 0x7f && c != '%' && c != '+' && c != '#';
}

// A header name's bytes (RFC 9110 token).
bool token_byte(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  for (char t : std::string_view("!#$%&'*+-.^_`|~"))
    if (c == t) return true;
  return false;
}

// name=value pairs split on '&'; false on an empty pair, a missing '=' or a second one, a name
// given twice (the library drops repeated pairs).
bool parse_query(std::string_view query, PlainGet* out) {
  while (true) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const size_t eq = pair.find('=');
    if (eq == 0 || eq == std::string_view::npos || pair.find('=', eq + 1) != std::string_view::npos) return false;
    for (const auto& [name, value] : out->params)
      if (name == pair.substr(0, eq)) return false;
    out->params.emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
    if (amp == std::string_view::npos) return true;
    query.remove_prefix(amp + 1);
  }
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

// One "Name: value" line (without its CRLF); false when malformed or when it rules the form out.
bool parse_header(std::string_view line, PlainGet* out) {
  if (line.size() > kMaxLine) return false;
  const size_t colon = line.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  const std::string_view name = line.substr(0, colon);
  for (char c : name)
    if (!token_byte(c)) return false;
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && is_space(value.front())) value.remove_prefix(1);
  while (!value.empty() && is_space(value.back())) value.remove_suffix(1);
  // The library percent-decodes a header's value and drops an empty one.
  if (value.empty()) return false;
  for (char c : value)
    if (((unsigned char)c < ' ' && c != '\t') || c == '%') return false;
  // The answer goes out uncompressed, which a client may refuse only with "identity;q=0" or "*;q=0".
  if (ascii_iequals(name, "Accept-Encoding") &&
      (value.find("identity") != std::string_view::npos || value.find('*') != std::string_view::npos))
    return false;
  for (const char* body_or_more : {"Content-Length", "Transfer-Encoding", "Expect", "Range", "Upgrade"})
    if (ascii_iequals(name, body_or_more)) return false;
  if (ascii_iequals(name, "Connection") && ascii_iequals(value, "close")) out->close = true;
  out->headers.emplace_back(name, value);
  return out->headers.size() <= kMaxHeaders;
}

}  // namespace

bool ascii_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = char(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = char(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool parse_plain_get(std::string_view bytes, PlainGet* out) {
  out->params.clear();
  out->headers.clear();
  out->close = false;
  const size_t end = bytes.find("\r\n\r\n");
  if (end == std::string_view::npos) return false;
  std::string_view head = bytes.substr(0, end + 2);  // every line with its CRLF
  out->head_bytes = end + 4;

  const size_t line_end = head.find("\r\n");
  std::string_view line = head.substr(0, line_end);
  if (line.size() > kMaxLine) return false;
  head.remove_prefix(line_end + 2);
  constexpr std::string_view kMethod = "GET ", kVersion = " HTTP/1.1";
  if (line.substr(0, kMethod.size()) != kMethod || line.size() < kMethod.size() + kVersion.size() ||
      line.substr(line.size() - kVersion.size()) != kVersion)
    return false;
  const std::string_view target = line.substr(kMethod.size(), line.size() - kMethod.size() - kVersion.size());
  if (target.empty() || target.front() != '/') return false;
  for (char c : target)
    if (!plain_target_byte(c)) return false;
  const size_t q = target.find('?');
  out->path = target.substr(0, q);
  if (q != std::string_view::npos) {
    const std::string_view query = target.substr(q + 1);
    if (query.find('?') != std::string_view::npos || !parse_query(query, out)) return false;
  }

  while (!head.empty()) {
    const size_t e = head.find("\r\n");
    if (!parse_header(head.substr(0, e), out)) return false;
    head.remove_prefix(e + 2);
  }
  return true;
}

}  // namespace hashsieve::server
