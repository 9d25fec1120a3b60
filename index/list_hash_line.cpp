// One line of hashes in any of the shapes tools write: `hash`, `hash,anything`, pdq-photo-hasher's
// `hash,quality,path` and `hash=...,quality=...,filename=...` (--details), python-threatexchange's
// `pdq <hash> ...` (`tx hash`, `tx dataset`, its local-file exchange) and `ROTATION pdq <hash>`.
#include "index/list_hash_line.h"

#include "common/api_guard.h"
#include "index/list_rows.h"

namespace hashsieve {
namespace lists {
namespace {

ParsedLine line_of(LineKind kind) {
  ParsedLine p;
  p.kind = kind;
  return p;
}
ParsedLine bad_line(std::string why) {
  ParsedLine p;
  p.why = std::move(why);
  return p;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

// The next white-space separated token of `s` from `*pos`.
std::string_view token(std::string_view s, size_t* pos) {
  size_t b = *pos;
  while (b < s.size() && is_space(s[b])) ++b;
  size_t e = b;
  while (e < s.size() && !is_space(s[e])) ++e;
  *pos = e;
  return s.substr(b, e - b);
}

// Signal type names python-threatexchange writes before a signal hashsieve does not keep.
bool other_signal_name(std::string_view name) {
  static constexpr std::string_view kNames[] = {"url", "raw_text", "text", "vpdq", "video_tmk", "tmk", "trend_query"};
  std::string n = lower(name);
  for (auto k : kNames)
    if (n == k) return true;
  return false;
}

ParsedLine hash_or_bad(std::string_view text, ParsedLine p) {
  std::string why;
  if (!parse_hash_field(text, &p.hash, &why)) return bad_line(why);
  p.kind = LineKind::kHash;
  return p;
}

// `hash=H,norm=N,delta=D,quality=Q,filename=F`: filename is the rest of the line.
ParsedLine details_line(std::string_view line) {
  ParsedLine p;
  std::string_view hash;
  bool has_hash = false;
  size_t b = 0;
  while (b <= line.size()) {
    size_t e = line.find(',', b);
    std::string_view kv = line.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b);
    size_t eq = kv.find('=');
    std::string key = lower(trim(kv.substr(0, eq)));
    if (key == "filename" && eq != std::string_view::npos) {
      p.path = std::string(line.substr(b + eq + 1));
      if (!p.path.empty() && p.path.back() == '\r') p.path.pop_back();
      break;
    }
    std::string_view value = eq == std::string_view::npos ? std::string_view() : kv.substr(eq + 1);
    if (key == "hash") { hash = value; has_hash = true; }
    if (key == "quality" && !parse_quality(value, &p.quality))
      return bad_line("quality must be 0..100");
    if (e == std::string_view::npos) break;
    b = e + 1;
  }
  if (!has_hash) return bad_line("missing hash");
  p.trailing = p.path;
  return hash_or_bad(hash, std::move(p));
}

}  // namespace

ParsedLine parse_line(std::string_view raw) {
  std::string_view line = trim(raw);
  if (line.empty() || line[0] == '#') return line_of(LineKind::kBlank);
  if (line.size() > 5 && lower(line.substr(0, 5)) == "hash=") return details_line(line);
  size_t comma = line.find(',');
  size_t space = line.find_first_of(" \t");
  if (space != std::string_view::npos && space < comma && !is_hash(line.substr(0, space))) {
    // `SIGNAL value [rest]` or `TRANSFORM SIGNAL value`.
    size_t pos = 0;
    std::string_view first = token(line, &pos);
    std::string_view second = token(line, &pos);
    ParsedLine p;
    std::string_view value;
    if (lower(first) == "pdq") {
      value = second;
    } else if (lower(second) == "pdq") {
      p.transform = std::string(first);
      value = token(line, &pos);
    } else if (int kind = digest_kind_of(first); kind >= 0) {
      // `video_md5 <hex> [rest]` (python-threatexchange), `md5 <hex>`, `sha256 <hex>` ...
      p.kind = LineKind::kDigest;
      p.digest_kind = kind;
      if (!parse_digest_hex(second, kind, &p.digest))
        return bad_line(std::string("not a ") + signal_name(digest_signal(kind)) + " digest (" +
                        std::to_string(2 * kDigestSizes[kind]) + " hex digits)");
      p.trailing = std::string(trim(line.substr(pos)));
      return p;
    } else if (other_signal_name(first) || other_signal_name(second)) {
      return line_of(LineKind::kOtherSignal);
    } else {
      return bad_line("not a hash line");
    }
    p.trailing = std::string(trim(line.substr(pos)));
    return hash_or_bad(value, std::move(p));
  }
  ParsedLine p;
  if (comma == std::string_view::npos) return hash_or_bad(line, std::move(p));
  std::string_view rest = line.substr(comma + 1);
  size_t comma2 = rest.find(',');
  int q;
  if (comma2 != std::string_view::npos && parse_quality(rest.substr(0, comma2), &q)) {
    p.quality = q;  // pdq-photo-hasher: hash,quality,path (the path is not quoted)
    p.path = std::string(rest.substr(comma2 + 1));
    p.trailing = p.path;
  } else {
    p.trailing = std::string(trim(rest));
  }
  return hash_or_bad(line.substr(0, comma), std::move(p));
}

}  // namespace lists

Result<HashLine> parse_hash_line(std::string_view line) {
  return guard_status([&]() -> Result<HashLine> {
    lists::ParsedLine p = lists::parse_line(line);
    switch (p.kind) {
      case lists::LineKind::kBlank: return Status(StatusCode::kNotFound, "no hash on the line");
      case lists::LineKind::kDigest:
      case lists::LineKind::kOtherSignal: return Status(StatusCode::kUnsupported, "not a PDQ signal");
      case lists::LineKind::kBad: return Status(StatusCode::kParseError, p.why);
      case lists::LineKind::kHash: break;
    }
    return HashLine{p.hash, p.quality, std::move(p.trailing)};
  });
}

}  // namespace hashsieve
