// JSON lists, parsed as a stream (nlohmann's SAX interface): StopNCII FetchHashes pages
// (`hashRecords`), Tech Against Terrorism hash-list pages (`results`), and hashsieve's own JSONL
// (`list export --format jsonl`, `hash --format jsonl`). A file may hold one page, several pages
// one after another (JSONL, or concatenated as a fetch loop writes them) or an array of pages;
// only one record at a time is held in memory.
#include <algorithm>
#include <cstring>
#include <iterator>

#include "index/list_metadata.h"
#include "common/api_guard.h"
#include "index/list_rows.h"

namespace hashsieve::lists {
namespace {

// The byte stream under the parser: counts lines (lazily, a block at a time), and cuts the input
// short (so the parser stops) when more than kMaxRecordBytes pass between two parser events: one
// token (a string, a number, a run of white space) that long, which the parser would otherwise
// buffer whole.
class JsonInput {
 public:
  explicit JsonInput(ByteSource& src) : src_(src) {}

  bool at_end() {
    if (i_ < view_.size()) {
      if (base_ + i_ - event_at_ > kMaxRecordBytes) stopped_ = overlong_ = true;
      return stopped_;
    }
    if (stopped_ || !refill()) return true;
    return false;
  }
  char peek() const { return view_[i_]; }
  void advance() { ++i_; }
  // The parser's next byte, or EOF: the bytes up to limit_ need no check.
  std::char_traits<char>::int_type next() {
    if (i_ < limit_ || !at_end()) return std::char_traits<char>::to_int_type(view_[i_++]);
    return std::char_traits<char>::eof();
  }
  // The parser reported something: the current token ended.
  void event() {
    event_at_ = base_ + i_;
    set_limit();
  }
  // Past white space; false at the end of the input.
  bool skip_space() {
    while (!at_end()) {
      char c = peek();
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return true;
      advance();
      event();
    }
    return false;
  }
  // Drops the rest of the current line (after an error in JSONL input), without holding it.
  void skip_line() {
    stopped_ = overlong_ = false;
    limit_ = 0;
    while (true) {
      if (i_ >= view_.size() && !refill()) break;
      const char* at = view_.data() + i_;
      if (const void* nl = std::memchr(at, '\n', view_.size() - i_)) {
        i_ += size_t(static_cast<const char*>(nl) - at) + 1;
        break;
      }
      i_ = view_.size();
    }
    event();
  }
  // The line of the next byte.
  uint64_t line() {
    line_ += uint64_t(std::count(view_.data() + counted_, view_.data() + i_, '\n'));
    counted_ = i_;
    return line_;
  }
  bool overlong() const { return overlong_; }
  uint64_t offset() const { return base_ + i_; }
  bool at_line_start() const { return base_ + i_ == 0 || (i_ > 0 && view_[i_ - 1] == '\n') || (i_ == 0 && last_newline_); }
  const Status& io_status() const { return io_; }

 private:
  bool refill() {
    line();
    last_newline_ = !view_.empty() && view_.back() == '\n';
    base_ += view_.size();
    src_.consume(view_.size());
    view_ = {};
    i_ = counted_ = limit_ = 0;
    auto m = src_.more();
    if (!m.ok()) { io_ = m.status(); stopped_ = true; return false; }
    view_ = src_.data();
    set_limit();
    return !view_.empty();
  }
  // Bytes before limit_ are in the view and within kMaxRecordBytes of the last event.
  void set_limit() {
    const uint64_t last = event_at_ + kMaxRecordBytes;  // the last offset that is not overlong
    limit_ = stopped_ || last < base_ ? 0 : size_t(std::min<uint64_t>(view_.size(), last - base_ + 1));
  }
  ByteSource& src_;
  std::string_view view_;
  size_t i_ = 0, counted_ = 0, limit_ = 0;
  uint64_t base_ = 0, line_ = 1, event_at_ = 0;
  bool stopped_ = false, overlong_ = false, last_newline_ = false;
  Status io_;
};

// The parser's input adapter (what nlohmann's lexer reads from): a byte at a time from JsonInput.
struct JsonChars {
  using char_type = char;
  JsonInput* in;
  std::char_traits<char>::int_type get_character() { return in->next(); }
};

enum class Kind { kUnknown, kStopNcii, kTat, kHashsieve, kHashOutput };

ListFormat format_of(Kind k) {
  switch (k) {
    case Kind::kStopNcii: return ListFormat::kStopNciiJson;
    case Kind::kTat: return ListFormat::kTatJson;
    case Kind::kHashsieve:
    case Kind::kHashOutput: return ListFormat::kHashsieveJsonl;
    default: return ListFormat::kAuto;
  }
}

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::kStopNcii: return "StopNCII hash record";
    case Kind::kTat: return "Tech Against Terrorism record";
    default: return "hashsieve JSONL record";
  }
}

// Builds one JSON value (a record) from SAX events, up to kMaxRecordBytes of input.
struct Builder {
  Meta root;
  std::vector<Meta*> stack;  // nullptr below a value that is not kept
  std::string key;
  uint64_t line = 0, start = 0;
  bool oversized = false;

  void begin(uint64_t at_line, uint64_t at_offset) {
    root = Meta::object();
    stack.assign(1, &root);
    key.clear();
    line = at_line;
    start = at_offset;
    oversized = false;
  }
  void add(Meta v, uint64_t offset) {
    bool structured = v.is_structured();
    Meta* top = stack.empty() ? nullptr : stack.back();
    if (offset - start > kMaxRecordBytes) oversized = true;
    if (!top || oversized) {
      if (structured) stack.push_back(nullptr);
      return;
    }
    Meta* child;
    if (top->is_object()) {
      child = &((*top)[key] = std::move(v));
    } else {
      top->push_back(std::move(v));
      child = &top->back();
    }
    if (structured) stack.push_back(child);
  }
};

std::string str(const Meta& rec, const char* key) {
  auto it = rec.find(key);
  if (it == rec.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number()) return it->dump();
  return {};
}

// What a StopNCII record says, read the way a record's tree would be read: a text field is its
// string (a number's JSON text; "" for anything else), a repeated key's last value wins, and
// feedback values and tags are kept once each in first-seen order.
struct StopNciiFields {
  std::string signal_type, hash_value, status;
  bool has_cases = false;  // caseNumbers is an object or an array
  size_t cases = 0;        // its members (distinct keys) or elements
  bool has_modified = false;
  Meta modified;           // lastModtimestamp, when a number
  std::vector<std::string> feedback, tags;

  void add_unique(std::vector<std::string>* to, const std::string& v) {
    if (std::find(to->begin(), to->end(), v) == to->end()) to->push_back(v);
  }
};

StopNciiFields stopncii_fields(const Meta& rec) {
  StopNciiFields f;
  f.signal_type = str(rec, "signalType");
  f.hash_value = str(rec, "hashValue");
  f.status = str(rec, "hashStatus");
  if (auto it = rec.find("caseNumbers"); it != rec.end() && it->is_structured()) { f.has_cases = true; f.cases = it->size(); }
  if (auto it = rec.find("lastModtimestamp"); it != rec.end() && it->is_number()) { f.has_modified = true; f.modified = *it; }
  if (auto it = rec.find("CSPFeedbacks"); it != rec.end() && it->is_array()) {
    for (const Meta& fb : *it) {
      if (!fb.is_object()) continue;
      std::string v = str(fb, "feedbackValue");
      if (!v.empty()) f.add_unique(&f.feedback, v);
      if (auto t = fb.find("tags"); t != fb.end() && t->is_array())
        for (const Meta& tag : *t)
          if (tag.is_string()) f.add_unique(&f.tags, tag.get<std::string>());
    }
  }
  return f;
}

// The same fields taken from the parser's events as they come, without building the record's
// tree (a StopNCII page is a million such records): the path of each event decides what it is.
class StopNciiEvents {
 public:
  void begin(uint64_t line, uint64_t offset) {
    f_.signal_type.clear();
    f_.hash_value.clear();
    f_.status.clear();
    f_.has_cases = f_.has_modified = false;
    f_.cases = 0;
    f_.feedback.clear();
    f_.tags.clear();
    roles_.assign(1, Role::kRecord);
    line_ = line;
    start_ = offset;
    oversized_ = false;
  }
  bool open() const { return !roles_.empty(); }
  void close() { roles_.clear(); }  // the value ended in a parse error
  const StopNciiFields& fields() { return f_; }
  uint64_t line() const { return line_; }
  bool oversized() const { return oversized_; }

  // A scalar value; `text` is a string's value or a number's JSON text, `kind` says which.
  // A scalar value: a string (`text`), a number (`number`, both null otherwise) or anything else.
  void scalar(const std::string* text, const Meta* number, uint64_t offset) {
    if (offset - start_ > kMaxRecordBytes) oversized_ = true;
    switch (roles_.back()) {
      case Role::kRecord:
        if (std::string* t = text_field(field_)) {
          if (text) *t = *text;
          else if (number) *t = number->dump();
        } else if (field_ == Field::kModified && number) {
          f_.has_modified = true;
          f_.modified = *number;
        }
        return;
      case Role::kCaseArray: ++f_.cases; return;
      case Role::kFeedback:
        if (fb_field_ == FbField::kValue) {
          if (text) fb_value_ = *text;
          else if (number) fb_value_ = number->dump();
        }
        return;
      case Role::kTags:
        if (text) fb_tags_.push_back(*text);
        return;
      default: return;
    }
  }
  void start(bool object, uint64_t offset) {
    if (offset - start_ > kMaxRecordBytes) oversized_ = true;
    Role role = Role::kOther;
    switch (roles_.back()) {
      case Role::kRecord:
        if (field_ == Field::kCases) {
          f_.has_cases = true;
          role = object ? Role::kCaseObject : Role::kCaseArray;
          case_keys_.clear();
        } else if (field_ == Field::kFeedbacks && !object) {
          role = Role::kFeedbacks;
        }
        break;
      case Role::kCaseArray: ++f_.cases; break;
      case Role::kFeedbacks:
        if (object) {
          role = Role::kFeedback;
          fb_field_ = FbField::kOther;
          fb_value_.clear();
          fb_tags_.clear();
          fb_has_tags_ = false;
        }
        break;
      case Role::kFeedback:
        if (fb_field_ == FbField::kTags && !object) { role = Role::kTags; fb_has_tags_ = true; }
        break;
      default: break;
    }
    roles_.push_back(role);
  }
  void key(const std::string& k) {
    switch (roles_.back()) {
      case Role::kRecord:
        field_ = k == "signalType" ? Field::kSignalType : k == "hashValue" ? Field::kHashValue
               : k == "hashStatus" ? Field::kStatus : k == "caseNumbers" ? Field::kCases
               : k == "lastModtimestamp" ? Field::kModified : k == "CSPFeedbacks" ? Field::kFeedbacks : Field::kOther;
        // A repeated key replaces what the earlier one gave.
        if (std::string* t = text_field(field_)) t->clear();
        if (field_ == Field::kCases) { f_.has_cases = false; f_.cases = 0; }
        if (field_ == Field::kModified) f_.has_modified = false;
        if (field_ == Field::kFeedbacks) { f_.feedback.clear(); f_.tags.clear(); }
        return;
      case Role::kCaseObject: case_keys_.push_back(k); return;
      case Role::kFeedback:
        fb_field_ = k == "feedbackValue" ? FbField::kValue : k == "tags" ? FbField::kTags : FbField::kOther;
        if (fb_field_ == FbField::kValue) fb_value_.clear();
        if (fb_field_ == FbField::kTags) { fb_tags_.clear(); fb_has_tags_ = false; }
        return;
      default: return;
    }
  }
  // Returns true when the record itself ended.
  bool end() {
    Role role = roles_.back();
    roles_.pop_back();
    if (role == Role::kCaseObject) {  // an object keeps one member per key
      std::sort(case_keys_.begin(), case_keys_.end());
      f_.cases = size_t(std::unique(case_keys_.begin(), case_keys_.end()) - case_keys_.begin());
    } else if (role == Role::kFeedback) {
      if (!fb_value_.empty()) f_.add_unique(&f_.feedback, fb_value_);
      if (fb_has_tags_)
        for (const std::string& t : fb_tags_) f_.add_unique(&f_.tags, t);
    }
    return roles_.empty();
  }

 private:
  enum class Role { kRecord, kCaseObject, kCaseArray, kFeedbacks, kFeedback, kTags, kOther };
  enum class Field { kSignalType, kHashValue, kStatus, kCases, kModified, kFeedbacks, kOther };
  enum class FbField { kValue, kTags, kOther };
  std::string* text_field(Field f) {
    return f == Field::kSignalType ? &f_.signal_type : f == Field::kHashValue ? &f_.hash_value
         : f == Field::kStatus ? &f_.status : nullptr;
  }
  StopNciiFields f_;
  std::vector<Role> roles_;
  Field field_ = Field::kOther;
  FbField fb_field_ = FbField::kOther;
  std::string fb_value_;
  std::vector<std::string> fb_tags_, case_keys_;
  bool fb_has_tags_ = false, oversized_ = false;
  uint64_t line_ = 0, start_ = 0;
};

class JsonReader final : public ListReader, private nlohmann::json_sax<Meta> {
 public:
  JsonReader(std::unique_ptr<ByteSource> src, std::string file, ListFormat format)
      : src_(std::move(src)), file_(std::move(file)), forced_(format), format_(format), in_(*src_) {}

  ListFormat format() const noexcept override { return format_; }
  ReadCounts counts() const noexcept override { return counts_; }
  const std::string& name() const noexcept override { return file_; }

  Status read(ListSink& sink) override {
    return guard_status([&] { return read_all(sink); });
  }

 private:
  Status read_all(ListSink& sink) {
    sink_ = &sink;
    uint64_t values = 0;
    bool one_line_values = true;  // JSONL so far: an error costs only its line
    while (in_.skip_space()) {
      frames_.clear();
      ncii_.close();
      uint64_t start_line = in_.line();
      bool at_line_start = in_.at_line_start();
      parse_error_.clear();
      nlohmann::detail::parser<Meta, JsonChars> parser(JsonChars{&in_}, nullptr, /*allow_exceptions=*/true);
      bool ok = parser.sax_parse(static_cast<nlohmann::json_sax<Meta>*>(this), /*strict=*/false);
      if (!status_.ok()) return status_;
      if (!in_.io_status().ok()) return Status(StatusCode::kIoError, file_ + ": " + in_.io_status().message());
      if (ok) {
        ++values;
        one_line_values = one_line_values && in_.line() == start_line && at_line_start;
        continue;
      }
      std::string why = in_.overlong() ? "a JSON value longer than 1 MiB" : "invalid JSON: " + parse_error_;
      bool resync = values > 0 && one_line_values && at_line_start;
      if (!resync) {
        sink.error(RowError{file_, in_.line(), why + "; the rest of the input is ignored"});
        return Status::Ok();
      }
      sink.error(RowError{file_, in_.line(), why});
      in_.skip_line();
    }
    if (!in_.io_status().ok()) return Status(StatusCode::kIoError, file_ + ": " + in_.io_status().message());
    return status_;
  }

  enum class Frame { kTopArray, kTop, kRecordArray, kRecord, kInner, kIgnore };

  Builder* builder() {
    for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
      if (*it == Frame::kRecord) return &record_;
      if (*it == Frame::kTop) return &page_;
      if (*it == Frame::kRecordArray || *it == Frame::kTopArray || *it == Frame::kIgnore) return nullptr;
    }
    return nullptr;
  }
  bool in_dom() const {
    return !frames_.empty() && (frames_.back() == Frame::kTop || frames_.back() == Frame::kRecord ||
                                frames_.back() == Frame::kInner);
  }
  void bad(uint64_t line, const std::string& why) { sink_->error(RowError{file_, line, why}); }

  bool value(Meta v) {
    in_.event();
    if (in_dom()) {
      builder()->add(std::move(v), in_.offset());
    } else if (!frames_.empty() && frames_.back() == Frame::kIgnore) {
      // inside a value that is not a record
    } else {
      bad(in_.line(), frames_.empty() || frames_.back() == Frame::kTopArray
                          ? "not a page or record (expected a JSON object)"
                          : "record is not a JSON object");
    }
    return true;
  }

  // Inside a record of a StopNCII page, every event goes to ncii_.
  bool ncii_scalar(const std::string* text, const Meta* number) {
    in_.event();
    ncii_.scalar(text, number, in_.offset());
    return true;
  }
  bool null() override { return ncii_.open() ? ncii_scalar(nullptr, nullptr) : value(nullptr); }
  bool boolean(bool v) override { return ncii_.open() ? ncii_scalar(nullptr, nullptr) : value(v); }
  bool number_integer(number_integer_t v) override {
    if (!ncii_.open()) return value(v);
    Meta n(v);
    return ncii_scalar(nullptr, &n);
  }
  bool number_unsigned(number_unsigned_t v) override {
    if (!ncii_.open()) return value(v);
    Meta n(v);
    return ncii_scalar(nullptr, &n);
  }
  bool number_float(number_float_t v, const string_t&) override {
    if (!ncii_.open()) return value(v);
    Meta n(v);
    return ncii_scalar(nullptr, &n);
  }
  bool string(string_t& v) override { return ncii_.open() ? ncii_scalar(&v, nullptr) : value(std::move(v)); }
  bool binary(binary_t&) override { return ncii_.open() ? ncii_scalar(nullptr, nullptr) : value(nullptr); }

  bool start_object(std::size_t) override {
    in_.event();
    if (ncii_.open()) {
      ncii_.start(/*object=*/true, in_.offset());
    } else if (frames_.empty() || frames_.back() == Frame::kTopArray) {
      frames_.push_back(Frame::kTop);
      page_.begin(in_.line(), in_.offset());
      page_has_records_ = false;
    } else if (frames_.back() == Frame::kRecordArray) {
      frames_.push_back(Frame::kRecord);
      if (array_kind_ == Kind::kStopNcii) ncii_.begin(in_.line(), in_.offset());
      else record_.begin(in_.line(), in_.offset());
    } else if (in_dom()) {
      builder()->add(Meta::object(), in_.offset());
      frames_.push_back(Frame::kInner);
    } else {
      frames_.push_back(Frame::kIgnore);
    }
    return true;
  }
  bool key(string_t& k) override {
    in_.event();
    if (ncii_.open()) ncii_.key(k);
    else if (in_dom()) builder()->key = k;
    return true;
  }
  bool end_object() override {
    in_.event();
    if (ncii_.open()) {
      if (!ncii_.end()) return true;
      frames_.pop_back();  // the record's
      return interpret_ncii();
    }
    Frame f = frames_.back();
    frames_.pop_back();
    if (f == Frame::kInner) {
      if (Builder* b = builder()) b->stack.pop_back();
    } else if (f == Frame::kRecord) {
      return interpret(record_, array_kind_);
    } else if (f == Frame::kTop && !page_has_records_) {
      return interpret(page_, Kind::kUnknown);  // a record on its own (JSONL)
    }
    return true;
  }
  bool start_array(std::size_t) override {
    in_.event();
    if (ncii_.open()) {
      ncii_.start(/*object=*/false, in_.offset());
    } else if (frames_.empty() || frames_.back() == Frame::kTopArray) {
      frames_.push_back(Frame::kTopArray);
    } else if (frames_.back() == Frame::kTop && page_.stack.size() == 1 &&
               (page_.key == "hashRecords" || page_.key == "results")) {
      array_kind_ = page_.key == "hashRecords" ? Kind::kStopNcii : Kind::kTat;
      page_has_records_ = true;
      frames_.push_back(Frame::kRecordArray);
    } else if (in_dom()) {
      builder()->add(Meta::array(), in_.offset());
      frames_.push_back(Frame::kInner);
    } else {
      if (frames_.back() == Frame::kRecordArray) bad(in_.line(), "record is not a JSON object");
      frames_.push_back(Frame::kIgnore);
    }
    return true;
  }
  bool end_array() override {
    in_.event();
    if (ncii_.open()) {
      ncii_.end();  // an array never ends the record
      return true;
    }
    Frame f = frames_.back();
    frames_.pop_back();
    if (f == Frame::kInner)
      if (Builder* b = builder()) b->stack.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) override {
    std::string what = ex.what();
    size_t colon = what.find(": ");  // drop the parser's own position (relative to this value)
    parse_error_ = colon == std::string::npos ? what : what.substr(colon + 2);
    return false;
  }

  static Kind kind_of(const Meta& rec) {
    if (rec.contains("hashValue")) return Kind::kStopNcii;
    if (rec.contains("hash_digest")) return Kind::kTat;
    if (rec.contains("entry_id")) return Kind::kHashsieve;
    if (rec.contains("pdq")) return Kind::kHashOutput;
    return Kind::kUnknown;
  }

  bool interpret(Builder& b, Kind kind) {
    if (b.oversized) { bad(b.line, "record longer than 1 MiB"); return true; }
    const Meta& rec = b.root;
    if (kind == Kind::kUnknown) kind = kind_of(rec);
    if (kind == Kind::kUnknown) {
      bad(b.line, "not a StopNCII, Tech Against Terrorism or hashsieve record");
      return true;
    }
    if (!accept(kind, b.line)) return true;
    ListEntry e;
    std::string why;
    bool keep = kind == Kind::kStopNcii ? stopncii(stopncii_fields(rec), &e, &why)
                : kind == Kind::kTat    ? tat(rec, &e, &why)
                : kind == Kind::kHashsieve ? hashsieve(rec, &e, &why)
                                           : hash_output(rec, &e, &why);
    return emit(keep, std::move(e), why, b.line);
  }
  // A record of a StopNCII page, read from the events (no tree).
  bool interpret_ncii() {
    if (ncii_.oversized()) { bad(ncii_.line(), "record longer than 1 MiB"); return true; }
    if (!accept(Kind::kStopNcii, ncii_.line())) return true;
    ListEntry e;
    std::string why;
    bool keep = stopncii(ncii_.fields(), &e, &why);
    return emit(keep, std::move(e), why, ncii_.line());
  }
  // False (after a row error) for a record of another format than the one asked for.
  bool accept(Kind kind, uint64_t line) {
    if (forced_ != ListFormat::kAuto && format_of(kind) != forced_) {
      bad(line, std::string("a ") + kind_name(kind) + ", not " + list_format_name(forced_));
      return false;
    }
    if (format_ == ListFormat::kAuto) format_ = format_of(kind);
    return true;
  }
  bool emit(bool keep, ListEntry&& e, const std::string& why, uint64_t line) {
    if (!why.empty()) { bad(line, why); return true; }
    if (!keep) return true;
    if (std::string p = entry_id_problem(e.entry_id); !p.empty()) { bad(line, "entry id: " + p); return true; }
    status_ = sink_->row(std::move(e), line);
    return status_.ok();
  }

  bool take_hash(const std::string& text, const char* field, ListEntry* e, std::string* why) {
    if (!parse_hash_field(text, &e->hash, why)) { *why = std::string(field) + ": " + *why; return false; }
    e->has_hash = true;
    return true;
  }

  bool take_digest(const std::string& text, int kind, const char* field, ListEntry* e, std::string* why) {
    if (parse_digest_hex(trim(text), kind, &e->digests.bytes[size_t(kind)])) return true;
    *why = std::string(field) + ": not a " + signal_name(digest_signal(kind)) + " digest (" +
           std::to_string(2 * kDigestSizes[kind]) + " hex digits)";
    return false;
  }
  // Lists keyed by the signal itself: the PDQ hash's hex, else "md5:<hex>" etc.
  static std::string signal_id(const ListEntry& e) {
    if (e.has_hash) return to_hex(e.hash);
    for (int k = 0; k < kDigestKinds; ++k)
      if (!e.digests.bytes[size_t(k)].empty())
        return std::string(signal_name(digest_signal(k))) + ":" + digest_hex(e.digests.bytes[size_t(k)]);
    return {};
  }

  // StopNCII: a record is the current state of one hash. Received (a new case), Active and Unknown
  // mean present; Withdrawn and Deleted mean the hash must go.
  bool stopncii(const StopNciiFields& rec, ListEntry* e, std::string* why) {
    const std::string type = lower(rec.signal_type);
    if (type == "imagepdq") {
      if (!take_hash(rec.hash_value, "hashValue", e, why)) return false;
    } else if (type == "videomd5") {
      if (!take_digest(rec.hash_value, 0, "hashValue", e, why)) return false;
    } else {
      ++counts_.skipped;  // video TMK, text, URLs
      return false;
    }
    std::string ls = lower(rec.status);
    if (ls == "withdrawn" || ls == "deleted") e->state = EntryState::kWithdrawn;
    e->entry_id = signal_id(*e);  // StopNCII identifies a record by its hash
    MetaText m;
    if (!rec.status.empty()) m.string("status", rec.status);
    if (rec.has_cases) m.number("cases", uint64_t(rec.cases));
    if (rec.has_modified) m.number("modified", rec.modified);
    if (!rec.feedback.empty()) m.strings("feedback", rec.feedback);
    if (!rec.tags.empty()) m.strings("tags", rec.tags);
    e->metadata = m.take();
    return true;
  }

  // Tech Against Terrorism: keyed by the hash, as python-threatexchange does, because a deletion
  // comes back under a new record id.
  bool tat(const Meta& rec, ListEntry* e, std::string* why) {
    const std::string algorithm = str(rec, "algorithm");
    if (lower(algorithm) == "pdq") {
      if (!take_hash(str(rec, "hash_digest"), "hash_digest", e, why)) return false;
    } else if (int kind = digest_kind_of(algorithm); kind >= 0) {  // MD5, SHA256, SHA512
      if (!take_digest(str(rec, "hash_digest"), kind, "hash_digest", e, why)) return false;
    } else {
      ++counts_.skipped;
      return false;
    }
    auto del = rec.find("deleted");
    if (del != rec.end() && ((del->is_boolean() && del->get<bool>()) ||
                             (del->is_string() && lower(del->get<std::string>()) == "true")))
      e->state = EntryState::kWithdrawn;
    e->entry_id = signal_id(*e);
    Meta m = Meta::object();
    for (const char* k : {"id", "ideology", "file_type", "created_on", "updated_on"}) {
      auto it = rec.find(k);
      if (it != rec.end() && !it->is_null() && !it->is_structured()) m[std::string(k) == "id" ? "record_id" : k] = *it;
    }
    e->metadata = meta_text(m);
    return true;
  }

  // `list export --format jsonl`: hash (null for a withdrawal by id), entry_id, quality, state, metadata.
  bool hashsieve(const Meta& rec, ListEntry* e, std::string* why) {
    std::string state = lower(str(rec, "state"));
    if (state == "withdrawn") e->state = EntryState::kWithdrawn;
    else if (!state.empty() && state != "active") { *why = "state must be active or withdrawn"; return false; }
    for (int k = 0; k < kDigestKinds; ++k) {
      const char* name = signal_name(digest_signal(k));
      auto d = rec.find(name);
      if (d == rec.end() || d->is_null()) continue;
      if (!take_digest(str(rec, name), k, name, e, why)) return false;
    }
    auto h = rec.find("hash");
    bool no_hash = h == rec.end() || h->is_null();
    // A withdrawal may name only its id; an entry with digests may have no PDQ hash.
    const bool hash_optional = e->state == EntryState::kWithdrawn || !e->digests.empty();
    if (!(no_hash && hash_optional) && !take_hash(str(rec, "hash"), "hash", e, why)) return false;
    e->entry_id = str(rec, "entry_id");
    if (!quality(rec, e, why)) return false;
    if (auto m = rec.find("metadata"); m != rec.end()) e->metadata = meta_text(*m);
    return true;
  }

  // `hash --format jsonl`: path, pdq, quality (the path is the id, as for `hash,quality,path`).
  bool hash_output(const Meta& rec, ListEntry* e, std::string* why) {
    if (!take_hash(str(rec, "pdq"), "pdq", e, why)) return false;
    e->entry_id = str(rec, "path");
    if (e->entry_id.empty()) e->entry_id = to_hex(e->hash);
    return quality(rec, e, why);
  }

  static bool quality(const Meta& rec, ListEntry* e, std::string* why) {
    auto q = rec.find("quality");
    if (q == rec.end() || q->is_null()) return true;
    if (!q->is_number_integer() || q->get<int64_t>() < 0 || q->get<int64_t>() > 100) {
      *why = "quality must be 0..100";
      return false;
    }
    e->quality = int(q->get<int64_t>());
    return true;
  }

  std::unique_ptr<ByteSource> src_;
  std::string file_;
  ListFormat forced_, format_;
  JsonInput in_;
  ListSink* sink_ = nullptr;
  ReadCounts counts_;
  Status status_;
  std::string parse_error_;
  std::vector<Frame> frames_;
  Builder page_, record_;
  StopNciiEvents ncii_;  // the record of a StopNCII page being read, if any
  bool page_has_records_ = false;
  Kind array_kind_ = Kind::kUnknown;
};

}  // namespace

std::unique_ptr<ListReader> make_json_reader(std::unique_ptr<ByteSource> src, std::string file, ListFormat format) {
  return std::make_unique<JsonReader>(std::move(src), std::move(file), format);
}

}  // namespace hashsieve::lists
