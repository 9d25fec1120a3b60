// RFC 4180 records over a ByteSource, with a bound on what one record may hold.
#include <cstring>

#include "index/list_rows.h"

namespace hashsieve::lists {

int CsvReader::parse(std::string_view s, bool at_end, size_t* used, uint64_t* newlines) {
  scratch_.clear();
  spans_.clear();
  *newlines = 0;
  size_t field_start = 0;
  bool quoted = false, at_field_start = true;
  auto close_field = [&] {
    size_t end = scratch_.size();
    spans_.emplace_back(field_start, end - field_start);
  };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < s.size() && s[i + 1] == '"') { scratch_.push_back('"'); ++i; }
        else if (i + 1 == s.size() && !at_end) return 0;  // the next byte decides
        else quoted = false;
      } else if (c == '\n' && !multiline_) {
        quoted = false;  // a line is a record: the line end closes the field
        --i;
      } else {
        *newlines += c == '\n';
        scratch_.push_back(c);
      }
      continue;
    }
    if (c == '"' && at_field_start) { quoted = true; at_field_start = false; continue; }
    if (c == ',') { close_field(); field_start = scratch_.size(); at_field_start = true; continue; }
    if (c == '\n') {
      if (i > 0 && s[i - 1] == '\r' && scratch_.size() > field_start) scratch_.pop_back();  // CRLF, not a quoted CR
      close_field();
      *used = i + 1;
      return 1;
    }
    at_field_start = false;
    scratch_.push_back(c);
  }
  if (!at_end) return 0;
  if (quoted) return -1;
  if (!s.empty() && s.back() == '\r' && scratch_.size() > field_start) scratch_.pop_back();
  close_field();
  *used = s.size();
  return 1;
}

Status CsvReader::skip_line() {
  while (true) {
    std::string_view d = src_.data();
    if (const void* nl = std::memchr(d.data(), '\n', d.size())) {
      src_.consume(size_t(static_cast<const char*>(nl) - d.data()) + 1);
      return Status::Ok();
    }
    src_.consume(d.size());
    auto m = src_.more();
    if (!m.ok()) return m.status();
    if (!*m) return Status::Ok();
  }
}

Result<bool> CsvReader::next(CsvRecord* r) {
  src_.consume(pending_);
  pending_ = 0;
  r->fields.clear();
  r->error.clear();
  r->text = {};
  // Find the end of the physical line, holding at most kMaxRecordBytes of it.
  size_t scanned = 0;
  std::string_view d = src_.data();
  bool at_end = false;
  const char* nl = nullptr;
  while (true) {
    d = src_.data();
    nl = static_cast<const char*>(std::memchr(d.data() + scanned, '\n', d.size() - scanned));
    if (nl) break;
    scanned = d.size();
    if (scanned > kMaxRecordBytes) {
      r->line = ++line_;
      r->error = "line longer than 1 MiB";
      if (Status s = skip_line(); !s.ok()) return s;
      return true;
    }
    auto m = src_.more();
    if (!m.ok()) return m.status();
    if (!*m) { at_end = true; d = src_.data(); break; }
  }
  if (at_end && d.empty()) return false;
  size_t line_len = nl ? size_t(nl - d.data()) : d.size();
  r->line = line_ + 1;
  if (line_len > kMaxRecordBytes) {  // all in memory already (a string input)
    ++line_;
    pending_ = nl ? line_len + 1 : line_len;
    r->error = "line longer than 1 MiB";
    return true;
  }
  std::string_view line = d.substr(0, line_len);
  if (std::memchr(line.data(), '"', line.size()) == nullptr) {
    // Fast path: no quotes; fields are views of the buffer.
    ++line_;
    pending_ = nl ? line_len + 1 : line_len;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    r->text = line;
    size_t b = 0;
    while (true) {
      size_t e = line.find(',', b);
      if (e == std::string_view::npos) { r->fields.push_back(line.substr(b)); break; }
      r->fields.push_back(line.substr(b, e - b));
      b = e + 1;
    }
    return true;
  }
  // Quoted fields, which may run over several lines.
  while (true) {
    d = src_.data();
    size_t used = 0;
    uint64_t newlines = 0;
    int got = parse(d, at_end, &used, &newlines);
    if (got == 0) {
      if (d.size() > kMaxRecordBytes) {
        r->error = "record longer than 1 MiB (an unterminated quote?)";
        ++line_;
        if (Status s = skip_line(); !s.ok()) return s;  // resynchronise at the next line
        return true;
      }
      auto m = src_.more();
      if (!m.ok()) return m.status();
      if (!*m) at_end = true;
      continue;
    }
    if (got < 0) {
      for (char c : d) line_ += c == '\n';
      ++line_;
      src_.consume(d.size());
      r->error = "unterminated quote";
      return true;
    }
    line_ += newlines + 1;
    std::string_view text = d.substr(0, used);
    if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    r->text = text;
    pending_ = used;
    for (auto [off, len] : spans_) r->fields.push_back(std::string_view(scratch_).substr(off, len));
    return true;
  }
}

}  // namespace hashsieve::lists
