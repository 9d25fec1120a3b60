// Format names and detection, the shared field checks, the byte source, and opening a reader.
#include "hashsieve/list_formats.h"

#include <cerrno>
#include <cstring>

#include "common/api_guard.h"
#include "index/list_rows.h"

namespace hashsieve {
namespace lists {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

namespace {

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = uint8_t(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1f : n == 3 ? c & 0x0f : c & 0x07;
    for (size_t k = 1; k < n; ++k) {
      unsigned char d = uint8_t(s[i + k]);
      if ((d >> 6) != 0x2) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    // No overlong forms, surrogates or code points past U+10FFFF.
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += n;
  }
  return true;
}

}  // namespace

std::string entry_id_problem(std::string_view id) {
  if (id.empty()) return "entry id is empty";
  if (id.size() > kMaxEntryIdLength) return "entry id longer than 255 bytes";
  if (trim(id).size() != id.size()) return "entry id has surrounding white space";
  for (unsigned char c : id)
    if (c < 0x20 || c == 0x7f) return "entry id has a control character";
  if (!valid_utf8(id)) return "entry id is not valid UTF-8";
  return "";
}

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return r;
}

bool parse_hash_field(std::string_view text, Hash256* h, std::string* why) {
  text = trim(text);
  if (text.empty()) { *why = "missing hash"; return false; }
  auto r = parse_hex(text);
  if (!r.ok()) { *why = r.status().message(); return false; }
  *h = *r;
  return true;
}

bool is_hash(std::string_view text) { return parse_hex(trim(text)).ok(); }

int digest_kind_of_hex(std::string_view text) {
  text = trim(text);
  int kind = text.size() == 32 ? 0 : text.size() == 40 ? 1 : text.size() == 128 ? 3 : -1;
  std::string ignored;
  return kind >= 0 && parse_digest_hex(text, kind, &ignored) ? kind : -1;
}

bool parse_quality(std::string_view s, int* q) {
  s = trim(s);
  if (s.empty() || s.size() > 3) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v > 100) return false;
  *q = v;
  return true;
}

// hashsieve's own `hash,entry_id,...` and the common two-column `hash,id` / `pdq,id` layouts.
bool is_csv_header(const std::vector<std::string_view>& fields) {
  if (fields.size() < 2) return false;
  const std::string a = lower(trim(fields[0])), b = lower(trim(fields[1]));
  return (a == "hash" || a == "pdq") && (b == "entry_id" || b == "id");
}

ByteSource::~ByteSource() {
  if (f_ && owned_) std::fclose(f_);
}

Result<bool> ByteSource::more() {
  if (eof_) return false;
  buf_.erase(0, pos_);
  pos_ = 0;
  size_t old = buf_.size();
  buf_.resize(old + kBlock);
  size_t got = std::fread(buf_.data() + old, 1, kBlock, f_);
  buf_.resize(old + got);
  if (got < kBlock) {
    if (std::ferror(f_)) return Status(StatusCode::kIoError, "read error");
    eof_ = true;
  }
  return got > 0;
}

Status ByteSource::want(size_t n) {
  while (data().size() < n) {
    auto m = more();
    if (!m.ok()) return m.status();
    if (!*m) break;
  }
  return Status::Ok();
}

ListFormat detect_format(std::string_view head) {
  std::string_view t = trim(head);
  if (t.empty()) return ListFormat::kHexLines;
  if (t[0] == '<') return ListFormat::kNcmecXml;
  if (t[0] == '{' || t[0] == '[') return ListFormat::kAuto;
  // The first record, split as CSV (a quoted header is still a header).
  ByteSource src{std::string(t.substr(0, std::min<size_t>(t.size(), 1 << 16)))};
  CsvReader csv(src, true);
  CsvRecord r;
  auto more = csv.next(&r);
  if (!more.ok() || !*more || r.fields.empty()) return ListFormat::kHexLines;
  std::vector<std::string> f;
  for (auto v : r.fields) f.push_back(lower(trim(v)));
  if (is_csv_header(r.fields)) return ListFormat::kHashsieveCsv;
  if (f[0] == "indicator") return ListFormat::kTxStoredCsv;
  if (f[0] == "signal_type") return ListFormat::kTxExportCsv;
  if (f[0].rfind("hash=", 0) == 0) return ListFormat::kHexLines;
  auto digits = [](std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  auto iso_date = [&](std::string_view s) { return s.size() >= 10 && digits(s.substr(0, 4)) && s[4] == '-'; };
  // State files have no header: indicator,descriptor_id,added_on,labels (HMA adds an indicator id).
  const bool signal = is_hash(f[0]) || digest_kind_of_hex(f[0]) >= 0;
  if (signal && f.size() == 4 && digits(f[1]) && iso_date(f[2])) return ListFormat::kTxStoredCsv;
  if (signal && f.size() == 5 && digits(f[1]) && digits(f[2]) && iso_date(f[3])) return ListFormat::kTxStoredCsv;
  if (f.size() >= 2 && f.size() <= 5 && !is_hash(f[0]) && f[0].find(' ') == std::string::npos &&
      (is_hash(f[1]) || (digest_kind_of(f[0]) >= 0 && digest_kind_of_hex(f[1]) >= 0)))
    return ListFormat::kTxExportCsv;
  return ListFormat::kHexLines;
}

}  // namespace lists

namespace {

struct FormatName {
  ListFormat format;
  const char* name;
};
constexpr FormatName kFormatNames[] = {
    {ListFormat::kAuto, "auto"},          {ListFormat::kHexLines, "hex"},
    {ListFormat::kHashsieveCsv, "csv"},   {ListFormat::kTxStoredCsv, "tx-csv"},
    {ListFormat::kTxExportCsv, "tx-export"}, {ListFormat::kStopNciiJson, "stopncii"},
    {ListFormat::kNcmecXml, "ncmec"},     {ListFormat::kTatJson, "tat"},
    {ListFormat::kHashsieveJsonl, "jsonl"},
};

Result<std::unique_ptr<ListReader>> open_source(std::unique_ptr<lists::ByteSource> src, std::string file,
                                                ListFormat format) {
  if (Status s = src->want(64 << 10); !s.ok()) return Status(StatusCode::kIoError, file + ": " + s.message());
  if (src->data().substr(0, 3) == "\xEF\xBB\xBF") src->consume(3);  // UTF-8 byte order mark
  if (format == ListFormat::kAuto) format = lists::detect_format(src->data());
  switch (format) {
    case ListFormat::kAuto:
    case ListFormat::kStopNciiJson:
    case ListFormat::kTatJson:
    case ListFormat::kHashsieveJsonl:
      return lists::make_json_reader(std::move(src), std::move(file), format);
    case ListFormat::kNcmecXml:
      return lists::make_ncmec_reader(std::move(src), std::move(file));
    default:
      return lists::make_line_reader(std::move(src), std::move(file), format);
  }
}

}  // namespace

const char* list_format_name(ListFormat f) noexcept {
  for (const auto& n : kFormatNames)
    if (n.format == f) return n.name;
  return "?";
}

Result<ListFormat> parse_list_format(std::string_view name) {
  return guard_status([&]() -> Result<ListFormat> {
    for (const auto& n : kFormatNames)
      if (name == n.name) return n.format;
    return Status(StatusCode::kInvalidArgument, "unknown format '" + std::string(name) +
                                                    "' (auto, hex, csv, tx-csv, tx-export, stopncii, ncmec, tat, jsonl)");
  });
}

std::string RowError::to_string() const {
  return line ? file + ":" + std::to_string(line) + ": " + reason : file + ": " + reason;
}

Result<std::unique_ptr<ListReader>> ListReader::Open(const std::string& path, ListFormat format) {
  return guard_status([&]() -> Result<std::unique_ptr<ListReader>> {
    std::unique_ptr<lists::ByteSource> src;
    if (path == "-") {
      src = std::make_unique<lists::ByteSource>(stdin, false);
    } else {
      std::FILE* f = std::fopen(path.c_str(), "rb");
      if (!f) return Status(StatusCode::kIoError, path + ": " + std::strerror(errno));
      src = std::make_unique<lists::ByteSource>(f, true);
    }
    return open_source(std::move(src), path == "-" ? "<stdin>" : path, format);
  });
}

Result<std::unique_ptr<ListReader>> ListReader::FromString(std::string text, std::string name, ListFormat format) {
  return guard_status([&]() -> Result<std::unique_ptr<ListReader>> {
    return open_source(std::make_unique<lists::ByteSource>(std::move(text)), std::move(name), format);
  });
}

Result<ListRows> read_list(ListReader& reader) {
  return guard_status([&]() -> Result<ListRows> {
    struct Collect final : ListSink {
      ListRows* out;
      Status row(ListEntry&& e, uint64_t line) override {
        out->rows.push_back(std::move(e));
        out->lines.push_back(line);
        return Status::Ok();
      }
      void error(RowError&& e) override { out->errors.push_back(std::move(e)); }
    };
    ListRows rows;
    Collect sink;
    sink.out = &rows;
    if (Status s = reader.read(sink); !s.ok()) return s;
    rows.counts = reader.counts();
    return rows;
  });
}

}  // namespace hashsieve
