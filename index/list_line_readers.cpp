// The line and CSV formats: hash lines, hashsieve's CSV, python-threatexchange's state files and
// `tx dataset --csv` export.
#include "index/list_hash_line.h"
#include "index/list_metadata.h"
#include "common/api_guard.h"
#include "index/list_rows.h"

namespace hashsieve::lists {
namespace {

// python-threatexchange's opinion categories, in its aggregation order.
enum Category { kNegative = 0, kSeed = 1, kPositive = 2, kDisputed = 3, kNone = -1 };

Category category_of(std::string_view s) {
  std::string c = lower(trim(s));
  if (c == "negative_class") return kNegative;
  if (c == "investigation_seed") return kSeed;
  if (c == "positive_class") return kPositive;
  if (c == "disputed") return kDisputed;
  return kNone;
}

const char* category_name(Category c) {
  switch (c) {
    case kNegative: return "NEGATIVE_CLASS";
    case kSeed: return "INVESTIGATION_SEED";
    case kPositive: return "POSITIVE_CLASS";
    case kDisputed: return "DISPUTED";
    default: return "";
  }
}

// As python-threatexchange aggregates opinions: the strongest, unless negative meets positive.
Category aggregate(Category a, Category b) {
  if (a == kNone) return b;
  if (b == kNone) return a;
  Category lo = std::min(a, b), hi = std::max(a, b);
  if (lo == hi) return hi;
  return lo == kNegative ? kDisputed : hi;
}

class LineReader final : public ListReader {
 public:
  LineReader(std::unique_ptr<ByteSource> src, std::string file, ListFormat format)
      : src_(std::move(src)), file_(std::move(file)), format_(format) {}

  ListFormat format() const noexcept override { return format_; }
  ReadCounts counts() const noexcept override { return counts_; }
  const std::string& name() const noexcept override { return file_; }

  Status read(ListSink& sink) override {
    return guard_status([&] { return read_all(sink); });
  }

 private:
  Status read_all(ListSink& sink) {
    CsvReader csv(*src_, format_ != ListFormat::kHexLines);
    CsvRecord rec;
    while (true) {
      auto more = csv.next(&rec);
      if (!more.ok()) return Status(StatusCode::kIoError, file_ + ": " + more.status().message());
      if (!*more) break;
      if (!rec.error.empty()) { sink.error(RowError{file_, rec.line, rec.error}); continue; }
      std::string why;
      Status s = one(rec, sink, &why);
      if (!s.ok()) return s;
      if (!why.empty()) sink.error(RowError{file_, rec.line, why});
    }
    return flush_collab(sink);
  }

  bool take_hash(std::string_view text, ListEntry* e, std::string* why) {
    if (!parse_hash_field(text, &e->hash, why)) return false;
    e->has_hash = true;
    return true;
  }
  // A state file's indicator: PDQ, or the hex digest of a digest signal type (python-threatexchange
  // keeps one file per signal type; video_md5's indicators are 32 hex digits).
  bool take_signal(std::string_view text, ListEntry* e, std::string* why) {
    text = trim(text);
    const int kind = digest_kind_of_hex(text);
    if (kind < 0) return take_hash(text, e, why);
    parse_digest_hex(text, kind, &e->digests.bytes[size_t(kind)]);
    return true;
  }
  static std::string digest_entry_id(int kind, std::string_view bytes) {
    return std::string(signal_name(digest_signal(kind))) + ":" + digest_hex(bytes);
  }
  // The entry's id when its list gives none: the hex of its PDQ hash, else "md5:<hex>" etc.
  static std::string default_id(const ListEntry& e) {
    if (e.has_hash) return to_hex(e.hash);
    for (int k = 0; k < kDigestKinds; ++k)
      if (!e.digests.bytes[size_t(k)].empty()) return digest_entry_id(k, e.digests.bytes[size_t(k)]);
    return {};
  }
  bool take_id(std::string_view id, ListEntry* e, std::string* why) {
    id = trim(id);
    e->entry_id = id.empty() ? default_id(*e) : std::string(id);
    *why = entry_id_problem(e->entry_id);
    if (!why->empty()) *why = "entry id: " + *why;
    return why->empty();
  }
  static std::string_view field(const CsvRecord& r, size_t i) { return i < r.fields.size() ? trim(r.fields[i]) : ""; }

  Status one(const CsvRecord& r, ListSink& sink, std::string* why) {
    ListEntry e;
    std::string head = lower(field(r, 0));
    switch (format_) {
      case ListFormat::kHexLines: {
        ParsedLine p = parse_line(r.text);
        if (p.kind == LineKind::kBlank) return Status::Ok();
        if (p.kind == LineKind::kOtherSignal) { ++counts_.skipped; return Status::Ok(); }
        if (p.kind == LineKind::kBad) { *why = p.why; return Status::Ok(); }
        if (p.kind == LineKind::kDigest) {
          e.digests.bytes[size_t(p.digest_kind)] = p.digest;
          if (!take_id(digest_entry_id(p.digest_kind, p.digest), &e, why)) return Status::Ok();
          Meta m = Meta::object();
          if (!p.trailing.empty()) m["extra"] = p.trailing;
          e.metadata = meta_text(m);
          return sink.row(std::move(e), r.line);
        }
        e.hash = p.hash;
        e.has_hash = true;
        e.quality = p.quality;
        if (!take_id(p.path, &e, why)) return Status::Ok();
        Meta m = Meta::object();
        if (!p.transform.empty()) m["transform"] = p.transform;
        if (p.path.empty() && !p.trailing.empty()) m["extra"] = p.trailing;
        e.metadata = meta_text(m);
        return sink.row(std::move(e), r.line);
      }
      case ListFormat::kHashsieveCsv: {
        if (head.empty() && r.fields.size() <= 1) return Status::Ok();
        if (head == "hash" || is_csv_header(r.fields)) return Status::Ok();  // header
        if (r.fields.size() < 2) { *why = "expected hash,entry_id[,quality,state,metadata,md5,sha1,sha256,sha512]"; return Status::Ok(); }
        std::string state = lower(field(r, 3));
        if (state == "withdrawn") e.state = EntryState::kWithdrawn;
        else if (!state.empty() && state != "active") { *why = "state must be active or withdrawn"; return Status::Ok(); }
        for (int k = 0; k < kDigestKinds; ++k) {
          std::string_view hex = field(r, 5 + size_t(k));
          if (hex.empty()) continue;
          if (!parse_digest_hex(hex, k, &e.digests.bytes[size_t(k)])) {
            *why = std::string(signal_name(digest_signal(k))) + ": not " + std::to_string(2 * kDigestSizes[k]) + " hex digits";
            return Status::Ok();
          }
        }
        // A withdrawal may name only its id; an entry with digests may have no PDQ hash.
        const bool hash_optional = e.state == EntryState::kWithdrawn || !e.digests.empty();
        if (!(field(r, 0).empty() && hash_optional) && !take_hash(r.fields[0], &e, why)) return Status::Ok();
        if (field(r, 1).empty()) { *why = "entry id is empty"; return Status::Ok(); }
        if (!take_id(r.fields[1], &e, why)) return Status::Ok();
        if (!field(r, 2).empty() && !parse_quality(field(r, 2), &e.quality)) { *why = "quality must be 0..100"; return Status::Ok(); }
        if (r.fields.size() > 4) e.metadata = normalize_metadata(r.fields[4]);
        return sink.row(std::move(e), r.line);
      }
      case ListFormat::kTxStoredCsv: {
        if (head.empty() && r.fields.size() <= 1) return Status::Ok();
        if (head == "indicator") return Status::Ok();  // header
        // pytx: indicator,first_descriptor_id,added_on,labels; HMA: indicator,indicator_id,first_descriptor_id,...
        bool hma = r.fields.size() == 5;
        if (r.fields.size() < 2 || r.fields.size() > 5) { *why = "expected indicator,descriptor_id,added_on,labels"; return Status::Ok(); }
        if (!take_signal(r.fields[0], &e, why) || !take_id(r.fields[1], &e, why)) return Status::Ok();
        Meta m = Meta::object();
        size_t base = hma ? 3 : 2;
        if (hma && !field(r, 2).empty()) m["descriptor_id"] = std::string(field(r, 2));
        if (!field(r, base).empty()) m["added_on"] = std::string(field(r, base));
        if (Meta tags = split_tags(field(r, base + 1)); !tags.empty()) m["tags"] = std::move(tags);
        e.metadata = meta_text(m);
        return sink.row(std::move(e), r.line);
      }
      case ListFormat::kTxExportCsv:
        return tx_export(r, head, sink, why);
      default:
        *why = "internal: not a line format";
        return Status::Ok();
    }
  }

  // `tx dataset --csv` writes one row per (signal, collaboration), a signal's rows together: they
  // become one entry holding every collaboration's opinion.
  Status tx_export(const CsvRecord& r, const std::string& head, ListSink& sink, std::string* why) {
    if (head.empty() && r.fields.size() <= 1) return Status::Ok();
    if (head == "signal_type") return Status::Ok();  // header
    if (r.fields.size() < 2 || r.fields.size() > 5) { *why = "expected signal_type,signal_str,collab,category,tags"; return Status::Ok(); }
    ListEntry signal;
    if (head == "pdq") {
      if (!parse_hash_field(r.fields[1], &signal.hash, why)) return Status::Ok();
      signal.has_hash = true;
    } else if (int kind = digest_kind_of(head); kind >= 0) {
      if (!parse_digest_hex(field(r, 1), kind, &signal.digests.bytes[size_t(kind)])) {
        *why = std::string(signal_name(digest_signal(kind))) + ": not " + std::to_string(2 * kDigestSizes[kind]) + " hex digits";
        return Status::Ok();
      }
    } else {
      ++counts_.skipped;
      return Status::Ok();
    }
    Meta opinion = Meta::object();
    if (!field(r, 2).empty()) opinion["collab"] = std::string(field(r, 2));
    Category c = category_of(field(r, 3));
    if (!field(r, 3).empty()) opinion["category"] = c == kNone ? std::string(field(r, 3)) : category_name(c);
    if (Meta tags = split_tags(field(r, 4)); !tags.empty()) opinion["tags"] = std::move(tags);
    if (pending_ && pending_signal_.has_hash == signal.has_hash && pending_signal_.hash == signal.hash &&
        pending_signal_.digests == signal.digests) {
      ++counts_.merged;
      pending_opinions_.push_back(std::move(opinion));
      pending_category_ = aggregate(pending_category_, c);
      return Status::Ok();
    }
    if (Status s = flush_collab(sink); !s.ok()) return s;
    pending_ = true;
    pending_signal_ = std::move(signal);
    pending_line_ = r.line;
    pending_opinions_ = Meta::array();
    pending_opinions_.push_back(std::move(opinion));
    pending_category_ = c;
    return Status::Ok();
  }

  Status flush_collab(ListSink& sink) {
    if (!pending_) return Status::Ok();
    pending_ = false;
    ListEntry e = std::move(pending_signal_);
    e.entry_id = default_id(e);
    Meta m;
    if (pending_opinions_.size() == 1) {
      m = std::move(pending_opinions_[0]);
    } else {
      m = Meta::object();
      if (pending_category_ != kNone) m["category"] = category_name(pending_category_);
      m["collabs"] = std::move(pending_opinions_);
    }
    e.metadata = meta_text(m);
    // Known benign (false positives, test data): kept as a withdrawn entry so it never matches.
    if (pending_category_ == kNegative) {
      e.state = EntryState::kWithdrawn;
      ++counts_.benign;
    }
    return sink.row(std::move(e), pending_line_);
  }

  std::unique_ptr<ByteSource> src_;
  std::string file_;
  ListFormat format_;
  ReadCounts counts_;
  bool pending_ = false;
  ListEntry pending_signal_;  // the hash or digest of the signal whose rows are being merged
  uint64_t pending_line_ = 0;
  Meta pending_opinions_;
  Category pending_category_ = kNone;
};

}  // namespace

std::unique_ptr<ListReader> make_line_reader(std::unique_ptr<ByteSource> src, std::string file, ListFormat format) {
  return std::make_unique<LineReader>(std::move(src), std::move(file), format);
}

}  // namespace hashsieve::lists
