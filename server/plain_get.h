// The request form a lookup client sends most: a GET of a path with a query of plain name=value
// pairs, HTTP/1.1, no body. The library's parser costs ~8 us of CPU a request (a regex per
// route, a case-insensitive map of headers, snprintf for the answer's head). A request of this
// form is read here instead, so a lookup pays only for what it uses; any other form, or a form
// the library would read differently (decoding, repeated or empty fields, its length limits),
// is left to it. One difference on purpose: the answer is never compressed (the library gzips
// JSON for a client that accepts it: a 14-byte lookup answer became 34 bytes).
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

namespace hashsieve::server {

struct PlainGet {
  std::string_view path;
  std::vector<std::pair<std::string_view, std::string_view>> params;   // in the query's order
  std::vector<std::pair<std::string_view, std::string_view>> headers;  // names as sent
  bool close = false;     // the client asked to close after this answer
  size_t head_bytes = 0;  // the request's length, up to and including its blank line
};

// Reads the request at the start of `bytes` into `out`. False when the head is not all there
// yet, or is anything but the plain form: a method other than GET, a version other than
// HTTP/1.1, a line near 8 KiB, a target with a byte that would need decoding ('%', '+'), a
// fragment or a second '?', a parameter without '=' or given twice, a header announcing a body,
// a range or an upgrade, a header value that is empty or holds '%', an Accept-Encoding that
// could refuse an uncompressed answer, a malformed or folded header line, more than 64 headers.
bool parse_plain_get(std::string_view bytes, PlainGet* out);

// Equal but for the case of ASCII letters (header names, "close").
bool ascii_iequals(std::string_view a, std::string_view b);

}  // namespace hashsieve::server
