// NCMEC hash-sharing XML (the /v2/entries responses), parsed as a stream with expat: <image> and
// <video> entries, <deletedImage> and <deletedVideo> withdrawals. Entry ids are scoped per member
// (`<member id>-<id>`, as python-threatexchange keys them), since each member numbers its own
// entries. Several responses in one file (a fetch loop's pages, one after another) are read in
// turn. No DTD is accepted, so no entity is ever declared or expanded and nothing external is read.
#include <expat.h>

#include "index/list_metadata.h"
#include "common/api_guard.h"
#include "index/list_rows.h"

namespace hashsieve::lists {
namespace {

constexpr size_t kMaxText = 4096;  // an element's text we keep (ids, hashes, names)

std::string_view local_name(const XML_Char* name) {
  std::string_view n(name);
  size_t colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

struct Entry {
  bool deleted = false;
  std::string type;  // image, video
  uint64_t line = 0;
  std::string id, member, member_id, classification, timestamp, pdq, md5, sha1;
  bool has_pdq = false, text_too_long = false;

  void clear() {  // keeps the strings' buffers for the next entry
    deleted = has_pdq = text_too_long = false;
    line = 0;
    for (std::string* s : {&type, &id, &member, &member_id, &classification, &timestamp, &pdq, &md5, &sha1}) s->clear();
  }
};

class NcmecReader final : public ListReader {
 public:
  NcmecReader(std::unique_ptr<ByteSource> src, std::string file) : src_(std::move(src)), file_(std::move(file)) {}
  ~NcmecReader() override {
    if (parser_) XML_ParserFree(parser_);
  }

  ListFormat format() const noexcept override { return ListFormat::kNcmecXml; }
  ReadCounts counts() const noexcept override { return counts_; }
  const std::string& name() const noexcept override { return file_; }

  Status read(ListSink& sink) override {
    return guard_status([&] { return read_all(sink); });
  }

 private:
  Status read_all(ListSink& sink) {
    sink_ = &sink;
    if (!new_parser()) return Status(StatusCode::kInternal, "cannot create an XML parser");
    uint64_t chunk_at = 0;  // input offset of the chunk being parsed
    bool final = false;
    while (!final) {
      auto m = src_->data().empty() ? src_->more() : Result<bool>(true);
      if (!m.ok()) return Status(StatusCode::kIoError, file_ + ": " + m.status().message());
      std::string_view chunk = src_->data();
      final = !*m || chunk.empty();
      size_t from = 0;
      while (true) {
        std::string_view part = chunk.substr(from);
        if (XML_Parse(parser_, part.data(), int(part.size()), final) == XML_STATUS_OK) break;
        if (!status_.ok()) return status_;
        XML_Error code = XML_GetErrorCode(parser_);
        uint64_t at = parser_at_ + uint64_t(XML_GetCurrentByteIndex(parser_));
        bool after_root = depth_ == 0 && saw_root_ &&
                          (code == XML_ERROR_JUNK_AFTER_DOC_ELEMENT || code == XML_ERROR_MISPLACED_XML_PI);
        if (after_root && at >= chunk_at + from && at < chunk_at + chunk.size()) {
          // Another response follows the first: parse it with a fresh parser.
          line_base_ += XML_GetCurrentLineNumber(parser_) - 1;
          from = size_t(at - chunk_at);
          parser_at_ = at;
          if (!new_parser()) return Status(StatusCode::kInternal, "cannot create an XML parser");
          continue;
        }
        std::string why = dtd_ ? "a DTD is not accepted" : std::string("invalid XML: ") + XML_ErrorString(code);
        sink.error(RowError{file_, line(), why + "; the rest of the input is ignored"});
        return Status::Ok();
      }
      src_->consume(chunk.size());
      chunk_at += chunk.size();
    }
    return status_;
  }

  // A file of many responses (a fetch loop's pages) starts a parser per response: a reset one
  // keeps its buffers, where a new one would allocate (and fault in) them again each time.
  bool new_parser() {
    if (!parser_) parser_ = XML_ParserCreate(nullptr);
    else if (!XML_ParserReset(parser_, nullptr)) return false;
    if (!parser_) return false;
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &NcmecReader::on_start, &NcmecReader::on_end);
    XML_SetCharacterDataHandler(parser_, &NcmecReader::on_text);
    XML_SetStartDoctypeDeclHandler(parser_, &NcmecReader::on_doctype);
    XML_SetEntityDeclHandler(parser_, &NcmecReader::on_entity_decl);
    XML_SetParamEntityParsing(parser_, XML_PARAM_ENTITY_PARSING_NEVER);
    depth_ = 0;
    saw_root_ = false;
    in_entry_ = false;
    capture_ = nullptr;
    return true;
  }
  uint64_t line() const { return line_base_ + XML_GetCurrentLineNumber(parser_); }
  void stop() { XML_StopParser(parser_, XML_FALSE); }

  static void on_doctype(void* self, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    auto* r = static_cast<NcmecReader*>(self);
    r->dtd_ = true;
    r->stop();
  }
  static void on_entity_decl(void* self, const XML_Char*, int, const XML_Char*, int, const XML_Char*,
                             const XML_Char*, const XML_Char*, const XML_Char*) {
    auto* r = static_cast<NcmecReader*>(self);
    r->dtd_ = true;
    r->stop();
  }

  // Callbacks from C: no exception may cross them, so one stops the parse instead.
  template <typename Fn>
  static void guarded(void* self, Fn&& fn) {
    auto* r = static_cast<NcmecReader*>(self);
    Status s = guard_status([&] { fn(r); return Status::Ok(); });
    if (!s.ok()) {
      r->status_ = s;
      r->stop();
    }
  }
  static void on_start(void* self, const XML_Char* name, const XML_Char** atts) {
    guarded(self, [&](NcmecReader* r) { r->start(local_name(name), atts); });
  }
  static void on_end(void* self, const XML_Char*) {
    guarded(self, [&](NcmecReader* r) { r->end(); });
  }
  static void on_text(void* self, const XML_Char* s, int len) {
    guarded(self, [&](NcmecReader* r) {
      if (!r->capture_) return;
      if (r->capture_->size() + size_t(len) > kMaxText) { r->entry_.text_too_long = true; return; }
      r->capture_->append(s, size_t(len));
    });
  }

  void start(std::string_view name, const XML_Char** atts) {
    ++depth_;
    saw_root_ = true;
    if (!in_entry_) {
      if (name == "image" || name == "video" || name == "deletedImage" || name == "deletedVideo") {
        in_entry_ = true;
        entry_depth_ = depth_;
        fingerprints_depth_ = 0;
        entry_.clear();
        entry_.deleted = name.substr(0, 7) == "deleted";
        entry_.type = name == "image" || name == "deletedImage" ? "image" : "video";
        entry_.line = line();
      }
      return;
    }
    if (depth_ == entry_depth_ + 1) {
      if (name == "member") {
        entry_.member.clear();
        for (const XML_Char** a = atts; a && a[0]; a += 2)
          if (local_name(a[0]) == "id") entry_.member_id = a[1];
        capture(&entry_.member);
      } else if (name == "id") {
        capture(&entry_.id);
      } else if (name == "classification") {
        capture(&entry_.classification);
      } else if (name == "timestamp") {
        capture(&entry_.timestamp);
      } else if (name == "fingerprints") {
        fingerprints_depth_ = depth_;
      }
    } else if (fingerprints_depth_ && depth_ == fingerprints_depth_ + 1) {
      if (name == "pdq") {
        entry_.has_pdq = true;
        capture(&entry_.pdq);
      } else if (name == "md5") {
        capture(&entry_.md5);
      } else if (name == "sha1") {
        capture(&entry_.sha1);
      }
    }
  }
  void capture(std::string* target) {
    target->clear();
    capture_ = target;
    capture_depth_ = depth_;
  }

  void end() {
    if (capture_ && depth_ == capture_depth_) capture_ = nullptr;
    if (fingerprints_depth_ == depth_) fingerprints_depth_ = 0;
    if (in_entry_ && depth_ == entry_depth_) {
      in_entry_ = false;
      finish();
    }
    --depth_;
  }

  void finish() {
    const Entry& n = entry_;
    auto bad = [&](const std::string& why) { sink_->error(RowError{file_, n.line, why}); };
    auto tag = [&] {
      return std::string(n.deleted ? "deleted" : "") + (n.deleted ? (n.type == "image" ? "Image" : "Video") : n.type);
    };
    if (n.text_too_long) return bad("<" + tag() + "> has an element text longer than 4096 bytes");
    std::string id(trim(n.id)), member_id(trim(n.member_id));
    if (id.empty()) return bad("<" + tag() + "> has no <id>");
    if (member_id.empty()) return bad("<" + tag() + "> has no <member id=...>");
    ListEntry e;
    e.entry_id = member_id + "-" + id;
    if (std::string p = entry_id_problem(e.entry_id); !p.empty()) return bad("<id>: " + p);
    if (n.deleted) {
      e.state = EntryState::kWithdrawn;
    } else {
      // MD5 and SHA-1 of the file's bytes, as NCMEC ships them for every image and video.
      const std::pair<const std::string*, int> digests[] = {{&n.md5, 0}, {&n.sha1, 1}};
      for (const auto& [text, kind] : digests) {
        std::string_view hex = trim(*text);
        if (hex.empty()) continue;
        if (!parse_digest_hex(hex, kind, &e.digests.bytes[size_t(kind)]))
          return bad(std::string("<") + signal_name(digest_signal(kind)) + ">: not " +
                     std::to_string(2 * kDigestSizes[kind]) + " hex digits");
      }
      if (n.has_pdq) {
        std::string why;
        if (!parse_hash_field(n.pdq, &e.hash, &why)) return bad("<pdq>: " + why);
        e.has_hash = true;
      } else if (e.digests.empty()) {
        ++counts_.skipped;  // only fingerprints hashsieve does not keep (PhotoDNA, video TMK)
        return;
      }
      MetaText m;
      if (!trim(n.member).empty()) m.string("member", trim(n.member));
      m.string("member_id", member_id);
      m.string("type", n.type);
      if (!trim(n.classification).empty()) m.string("classification", trim(n.classification));
      if (!trim(n.timestamp).empty()) m.string("timestamp", trim(n.timestamp));
      e.metadata = m.take();
    }
    status_ = sink_->row(std::move(e), n.line);
    if (!status_.ok()) stop();
  }

  std::unique_ptr<ByteSource> src_;
  std::string file_;
  XML_Parser parser_ = nullptr;
  uint64_t parser_at_ = 0;   // input offset where the current parser began
  uint64_t line_base_ = 0;   // lines before the current parser's document
  ListSink* sink_ = nullptr;
  ReadCounts counts_;
  Status status_;
  bool dtd_ = false;
  int depth_ = 0, entry_depth_ = 0, fingerprints_depth_ = 0, capture_depth_ = 0;
  bool in_entry_ = false, saw_root_ = false;
  Entry entry_;
  std::string* capture_ = nullptr;
};

}  // namespace

std::unique_ptr<ListReader> make_ncmec_reader(std::unique_ptr<ByteSource> src, std::string file) {
  return std::make_unique<NcmecReader>(std::move(src), std::move(file));
}

}  // namespace hashsieve::lists
