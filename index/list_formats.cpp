// Format names and detection, the line-based readers (hex lines, CSVs) and the import loop.
#include "hashsieve/list_formats.h"

#include <cstdio>
#include <cstring>

#include "index/list_rows.h"

namespace hashsieve {
namespace lists {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

std::string entry_id_problem(std::string_view id) {
  if (id.empty()) return "entry id is empty";
  if (id.size() > kMaxEntryIdLength) return "entry id longer than 255 bytes";
  if (trim(id).size() != id.size()) return "entry id has surrounding white space";
  for (unsigned char c : id)
    if (c < 0x20 || c == 0x7f) return "entry id has a control character";
  return "";
}

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return r;
}

bool split_csv(std::string_view line, std::vector<std::string>* f) {
  f->clear();
  f->emplace_back();
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') { f->back().push_back('"'); ++i; }
      else if (c == '"') quoted = false;
      else f->back().push_back(c);
    } else if (c == '"' && f->back().empty()) {
      quoted = true;
    } else if (c == ',') {
      f->emplace_back();
    } else {
      f->back().push_back(c);
    }
  }
  return !quoted;
}

bool parse_hash_field(std::string_view text, Hash256* h, std::string* why) {
  text = trim(text);
  if (text.empty()) { *why = "missing hash"; return false; }
  auto r = parse_hex(text);
  if (!r.ok()) { *why = r.status().message(); return false; }
  *h = *r;
  return true;
}

}  // namespace lists

namespace {

using lists::lower;
using lists::trim;

struct FormatName {
  ListFormat format;
  const char* name;
};
constexpr FormatName kFormatNames[] = {
    {ListFormat::kAuto, "auto"},          {ListFormat::kHexLines, "hex"},
    {ListFormat::kHashsieveCsv, "csv"},   {ListFormat::kTxStoredCsv, "tx-csv"},
    {ListFormat::kTxExportCsv, "tx-export"}, {ListFormat::kStopNciiJson, "stopncii"},
    {ListFormat::kNcmecXml, "ncmec"},     {ListFormat::kTatJson, "tat"},
};

bool is_hex64(std::string_view s) { return parse_hex(trim(s)).ok(); }

// Guesses the format from the start of the input.
Result<ListFormat> detect(std::string_view head, const std::string& file) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  std::string_view t = trim(head);
  if (t.empty()) return ListFormat::kHexLines;
  if (t[0] == '<') return ListFormat::kNcmecXml;
  if (t[0] == '{' || t[0] == '[') {
    if (head.find("\"hashRecords\"") != std::string_view::npos) return ListFormat::kStopNciiJson;
    if (head.find("\"results\"") != std::string_view::npos) return ListFormat::kTatJson;
    return Status(StatusCode::kParseError, file + ": JSON document is neither StopNCII (hashRecords) nor "
                                                  "Tech Against Terrorism (results); pass --format");
  }
  std::string first = lower(trim(t.substr(0, t.find('\n'))));
  if (first.rfind("indicator,", 0) == 0) return ListFormat::kTxStoredCsv;
  if (first.rfind("signal_type,", 0) == 0) return ListFormat::kTxExportCsv;
  if (first.rfind("hash,entry_id", 0) == 0) return ListFormat::kHashsieveCsv;
  std::vector<std::string> f;
  lists::split_csv(first, &f);
  if (f.size() >= 2 && !is_hex64(f[0]) && is_hex64(f[1])) return ListFormat::kTxExportCsv;
  return ListFormat::kHexLines;
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

// {"k":"v",...} from the non-empty pairs.
std::string json_object(std::initializer_list<std::pair<const char*, std::string_view>> kv) {
  std::string out;
  for (const auto& [k, v] : kv) {
    if (v.empty()) continue;
    out += out.empty() ? "{" : ",";
    append_json_string(k, &out);
    out += ":";
    append_json_string(v, &out);
  }
  if (!out.empty()) out += "}";
  return out;
}

// Reads lines from a FILE* or a string in large blocks.
class LineSource {
 public:
  LineSource(std::FILE* f, bool owned) : f_(f), owned_(owned) {}
  explicit LineSource(std::string text) : buf_(std::move(text)), eof_(true) {}
  ~LineSource() {
    if (f_ && owned_) std::fclose(f_);
  }
  // Makes at least `n` bytes available (or all of the input); returns the buffered text.
  Result<std::string_view> peek(size_t n) {
    while (buf_.size() - pos_ < n && !eof_)
      if (Status s = fill(); !s.ok()) return s;
    return std::string_view(buf_).substr(pos_);
  }
  Result<std::string> read_all() {
    while (!eof_)
      if (Status s = fill(); !s.ok()) return s;
    return buf_.substr(pos_);
  }
  // False at the end of the input.
  Result<bool> next(std::string_view* line) {
    while (true) {
      size_t nl = buf_.find('\n', pos_);
      if (nl != std::string::npos || (eof_ && pos_ < buf_.size())) {
        size_t end = nl == std::string::npos ? buf_.size() : nl;
        *line = std::string_view(buf_).substr(pos_, end - pos_);
        if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
        pos_ = nl == std::string::npos ? buf_.size() : nl + 1;
        ++line_no_;
        return true;
      }
      if (eof_) return false;
      if (Status s = fill(); !s.ok()) return s;
    }
  }
  uint64_t line_no() const { return line_no_; }

 private:
  Status fill() {
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
    return Status::Ok();
  }
  static constexpr size_t kBlock = 4 << 20;
  std::FILE* f_ = nullptr;
  bool owned_ = false;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  uint64_t line_no_ = 0;
};

class ListReaderImpl final : public ListReader {
 public:
  ListReaderImpl(std::unique_ptr<LineSource> src, std::string file) : src_(std::move(src)), file_(std::move(file)) {}

  Status init(ListFormat format) {
    if (format == ListFormat::kAuto) {
      auto head = src_->peek(64 << 10);
      if (!head.ok()) return Status(StatusCode::kIoError, file_ + ": " + head.status().message());
      auto f = detect(*head, file_);
      if (!f.ok()) return f.status();
      format = *f;
    }
    format_ = format;
    if (format == ListFormat::kStopNciiJson || format == ListFormat::kTatJson || format == ListFormat::kNcmecXml) {
      auto all = src_->read_all();
      if (!all.ok()) return Status(StatusCode::kIoError, file_ + ": " + all.status().message());
      doc_ = std::make_unique<lists::DocumentRows>();
      Status s = format == ListFormat::kStopNciiJson ? lists::read_stopncii_json(*all, file_, doc_.get())
                 : format == ListFormat::kTatJson    ? lists::read_tat_json(*all, file_, doc_.get())
                                                     : lists::read_ncmec_xml(*all, file_, doc_.get());
      if (!s.ok()) return s;
      skipped_ = doc_->skipped;
    }
    return Status::Ok();
  }

  ListFormat format() const noexcept override { return format_; }
  uint64_t skipped() const noexcept override { return skipped_; }

  Result<bool> next(std::vector<ListEntry>* rows, std::vector<RowError>* errors, size_t max_rows) override {
    if (doc_) {
      if (doc_pos_ == 0) errors->insert(errors->end(), doc_->errors.begin(), doc_->errors.end());
      size_t end = std::min(doc_->rows.size(), doc_pos_ + max_rows);
      for (; doc_pos_ < end; ++doc_pos_) rows->push_back(std::move(doc_->rows[doc_pos_]));
      return doc_pos_ < doc_->rows.size();
    }
    size_t got = 0;
    std::string_view line;
    while (got < max_rows) {
      auto more = src_->next(&line);
      if (!more.ok()) return Status(StatusCode::kIoError, file_ + ": " + more.status().message());
      if (!*more) return false;
      std::string why;
      ListEntry e;
      if (line_row(line, &e, &why)) {
        rows->push_back(std::move(e));
        ++got;
      } else if (!why.empty()) {
        errors->push_back(RowError{file_, src_->line_no(), why});
      }
    }
    return true;
  }

 private:
  // False with an empty reason for lines that are not rows (blank, comment, header, skipped).
  bool line_row(std::string_view raw, ListEntry* e, std::string* why) {
    if (src_->line_no() == 1 && raw.substr(0, 3) == "\xEF\xBB\xBF") raw.remove_prefix(3);
    std::string_view line = trim(raw);
    if (line.empty() || line[0] == '#') return false;
    if (!lists::split_csv(line, &fields_)) { *why = "unterminated quote"; return false; }
    std::string head = lower(trim(fields_[0]));
    if (head == "hash" || head == "indicator" || head == "signal_type") return false;  // header
    auto hash_at = [&](size_t i) {
      if (!lists::parse_hash_field(fields_[i], &e->hash, why)) return false;
      e->has_hash = true;
      return true;
    };
    auto id_or_hash = [&](std::string_view id) {
      id = trim(id);
      e->entry_id = id.empty() ? to_hex(e->hash) : std::string(id);
      *why = lists::entry_id_problem(e->entry_id);
      return why->empty();
    };
    switch (format_) {
      case ListFormat::kHexLines: {
        if (!hash_at(0)) return false;
        int q;
        if (fields_.size() == 3 && parse_quality(fields_[1], &q)) {  // reference tool: hash,quality,path
          e->quality = q;
          return id_or_hash(fields_[2]);
        }
        if (fields_.size() > 1) e->metadata = json_object({{"extra", trim(line.substr(line.find(',') + 1))}});
        return id_or_hash("");
      }
      case ListFormat::kHashsieveCsv: {
        if (fields_.size() < 2) { *why = "expected hash,entry_id[,quality,state,metadata]"; return false; }
        if (!hash_at(0) || !id_or_hash(fields_[1])) return false;
        if (fields_.size() > 2 && !trim(fields_[2]).empty() && !parse_quality(fields_[2], &e->quality)) {
          *why = "quality must be 0..100";
          return false;
        }
        std::string state = fields_.size() > 3 ? lower(trim(fields_[3])) : "";
        if (state == "withdrawn") e->state = EntryState::kWithdrawn;
        else if (!state.empty() && state != "active") { *why = "state must be active or withdrawn"; return false; }
        if (fields_.size() > 4) e->metadata = fields_[4];
        return true;
      }
      case ListFormat::kTxStoredCsv: {
        if (fields_.size() < 2 || fields_.size() > 4) { *why = "expected indicator,descriptor_id,added_on,labels"; return false; }
        if (!hash_at(0) || !id_or_hash(fields_[1])) return false;
        e->metadata = json_object({{"added_on", fields_.size() > 2 ? trim(fields_[2]) : ""},
                                   {"labels", fields_.size() > 3 ? trim(fields_[3]) : ""}});
        return true;
      }
      case ListFormat::kTxExportCsv: {
        if (fields_.size() < 2 || fields_.size() > 5) { *why = "expected signal_type,signal_str,collab,category,tags"; return false; }
        if (head != "pdq") { ++skipped_; return false; }
        if (!hash_at(1) || !id_or_hash("")) return false;
        e->metadata = json_object({{"collab", fields_.size() > 2 ? trim(fields_[2]) : ""},
                                   {"category", fields_.size() > 3 ? trim(fields_[3]) : ""},
                                   {"tags", fields_.size() > 4 ? trim(fields_[4]) : ""}});
        return true;
      }
      default:
        *why = "internal: not a line format";
        return false;
    }
  }

  std::unique_ptr<LineSource> src_;
  std::string file_;
  ListFormat format_ = ListFormat::kHexLines;
  std::unique_ptr<lists::DocumentRows> doc_;
  size_t doc_pos_ = 0;
  uint64_t skipped_ = 0;
  std::vector<std::string> fields_;
};

}  // namespace

const char* list_format_name(ListFormat f) noexcept {
  for (const auto& n : kFormatNames)
    if (n.format == f) return n.name;
  return "?";
}

Result<ListFormat> parse_list_format(std::string_view name) {
  for (const auto& n : kFormatNames)
    if (name == n.name) return n.format;
  return Status(StatusCode::kInvalidArgument,
                "unknown format '" + std::string(name) + "' (auto, hex, csv, tx-csv, tx-export, stopncii, ncmec, tat)");
}

std::string RowError::to_string() const {
  return line ? file + ":" + std::to_string(line) + ": " + reason : file + ": " + reason;
}

Result<std::unique_ptr<ListReader>> ListReader::Open(const std::string& path, ListFormat format) {
  std::unique_ptr<LineSource> src;
  if (path == "-") {
    src = std::make_unique<LineSource>(stdin, false);
  } else {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return Status(StatusCode::kIoError, path + ": " + std::strerror(errno));
    src = std::make_unique<LineSource>(f, true);
  }
  auto r = std::make_unique<ListReaderImpl>(std::move(src), path == "-" ? "<stdin>" : path);
  if (Status s = r->init(format); !s.ok()) return s;
  return std::unique_ptr<ListReader>(std::move(r));
}

Result<std::unique_ptr<ListReader>> ListReader::FromString(std::string text, std::string name, ListFormat format) {
  auto r = std::make_unique<ListReaderImpl>(std::make_unique<LineSource>(std::move(text)), std::move(name));
  if (Status s = r->init(format); !s.ok()) return s;
  return std::unique_ptr<ListReader>(std::move(r));
}

Result<ImportReport> import_list(HashStore& store, const std::string& list, ListReader& reader, size_t batch_rows) {
  ImportReport report;
  std::vector<ListEntry> rows;
  bool more = true;
  while (more) {
    rows.clear();
    auto r = reader.next(&rows, &report.errors, std::max<size_t>(batch_rows, 1));
    if (!r.ok()) return r.status();
    more = *r;
    if (rows.empty()) continue;
    auto st = store.import_batch(list, rows);
    if (!st.ok())  // what is committed stays: say how much, so the operator knows where to resume
      return Status(st.status().code(), st.status().message() + " (" + std::to_string(report.batches) + " batches, " +
                                            std::to_string(report.rows_committed) + " rows committed before)");
    report.rows_committed += rows.size();
    report.stats += *st;
    ++report.batches;
  }
  report.skipped = reader.skipped();
  return report;
}

}  // namespace hashsieve
