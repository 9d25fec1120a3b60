// `hashsieve match`: hashes in (one per line, or `hash,anything`), JSONL matches out.
// Exit 0 when something matched, 1 when nothing did, 2 on any error (grep's convention).
#include <cstdio>
#include <cstring>
#include <string>

#include "hashsieve/hash_index.h"
#include "hashsieve/list_formats.h"
#include "tools/cli_args.h"
#include "tools/commands.h"
#include "tools/exit_codes.h"

namespace hashsieve::cli {
namespace {

constexpr const char* kUsage =
    "usage: hashsieve match [--db PATH] [--lists A,B] [--radius R] [--index mih|flat] [--constant-time]\n"
    "                       [FILE...]\n"
    "  Reads hashes (a line each: `hash`, `hash,quality,path`, `hash=...,filename=...`, `pdq <hash> ...`)\n"
    "  from the files or stdin and prints one JSON line per match: query, list, entry_id, distance, and\n"
    "  `input`, what followed the hash on its line (a path). Radius defaults to each list's own.\n"
    "Exit status: 0 something matched; 1 nothing matched; 2 error.\n";

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  size_t b = 0;
  while (b <= s.size()) {
    size_t e = s.find(',', b);
    if (e == std::string::npos) e = s.size();
    if (e > b) out.push_back(s.substr(b, e - b));
    b = e + 1;
  }
  return out;
}

class Matcher {
 public:
  Matcher(const HashIndex& index, SearchOptions opts) : index_(index), opts_(std::move(opts)) {}

  void add(const Hash256& h, std::string trailing) {
    queries_.push_back(h);
    trailing_.push_back(std::move(trailing));
    if (queries_.size() >= 4096) flush();
  }
  void flush() {
    if (queries_.empty()) return;
    auto r = index_.search(queries_.data(), queries_.size(), opts_);
    if (!r.ok()) {
      std::fprintf(stderr, "hashsieve match: %s\n", r.status().to_string().c_str());
      error_ = true;
    } else {
      std::string out;
      for (const Match& m : *r) {
        out += "{\"query\":\"" + to_hex(queries_[m.query]) + "\",\"list\":";
        append_json_string(index_.lists()[index_.list_of(m.entry)].name, &out);
        out += ",\"entry_id\":";
        append_json_string(index_.entry_id(m.entry), &out);
        out += ",\"distance\":" + std::to_string(m.distance);
        if (std::string_view meta = index_.metadata(m.entry); !meta.empty()) {
          out += ",\"metadata\":";
          append_metadata_json(meta, &out);
        }
        if (!trailing_[m.query].empty()) {
          out += ",\"input\":";
          append_json_string(trailing_[m.query], &out);
        }
        out += "}\n";
      }
      std::fwrite(out.data(), 1, out.size(), stdout);
      matched_ = matched_ || !r->empty();
    }
    queries_.clear();
    trailing_.clear();
  }
  bool matched() const { return matched_; }
  bool error() const { return error_; }

 private:
  const HashIndex& index_;
  SearchOptions opts_;
  std::vector<Hash256> queries_;
  std::vector<std::string> trailing_;  // what followed each query's hash on its line
  bool matched_ = false, error_ = false;
};

// Feeds one input's hashes to the matcher; false if any line was bad.
bool read_input(std::FILE* f, const std::string& name, Matcher* m) {
  bool ok = true;
  char* line = nullptr;
  size_t cap = 0;
  ssize_t len;
  uint64_t no = 0;
  while ((len = getline(&line, &cap, f)) >= 0) {
    ++no;
    auto h = parse_hash_line(std::string_view(line, size_t(len)));
    if (h.status().code() == StatusCode::kNotFound || h.status().code() == StatusCode::kUnsupported) continue;
    if (!h.ok()) {
      std::fprintf(stderr, "%s:%llu: %s\n", name.c_str(), (unsigned long long)no, h.status().message().c_str());
      ok = false;
      continue;
    }
    m->add(h->hash, std::move(h->trailing));
  }
  std::free(line);
  if (std::ferror(f)) {
    std::fprintf(stderr, "%s: read error\n", name.c_str());
    ok = false;
  }
  return ok;
}

}  // namespace

int run_match(int argc, char** argv) {
  Args a = parse_args(argc, argv, 1, {"--db", "--lists", "--radius", "--index"}, {"--constant-time", "--help", "-h"});
  if (a.has("--help") || a.has("-h")) {
    std::printf("%s", kUsage);
    return kExitOk;
  }
  if (!a.error.empty()) {
    std::fprintf(stderr, "hashsieve match: %s\n%s", a.error.c_str(), kUsage);
    return kExitUsage;
  }
  SearchOptions opts;
  if (a.has("--radius") && !parse_int(a.get("--radius"), 0, 256, &opts.radius)) {
    std::fprintf(stderr, "hashsieve match: --radius must be 0..256\n");
    return kExitUsage;
  }
  opts.constant_time = a.has("--constant-time");
  std::string kind = a.get("--index", "mih");
  if (kind != "mih" && kind != "flat") {
    std::fprintf(stderr, "hashsieve match: --index must be mih or flat\n");
    return kExitUsage;
  }
  auto store = open_store(a, "match", false, true);
  if (!store) return kExitUsage;
  auto snap = store->snapshot_active(split_commas(a.get("--lists")));
  if (!snap.ok()) {
    std::fprintf(stderr, "hashsieve match: %s\n", snap.status().to_string().c_str());
    return kExitUsage;
  }
  IndexOptions io;
  io.kind = kind == "flat" ? IndexKind::kFlat : IndexKind::kMultiIndex;
  auto index = HashIndex::Build(std::move(snap).value(), io);
  if (!index.ok()) {
    std::fprintf(stderr, "hashsieve match: %s\n", index.status().to_string().c_str());
    return kExitUsage;
  }
  Matcher m(**index, opts);
  bool inputs_ok = true;
  std::vector<std::string> files = a.positional;
  if (files.empty()) files.push_back("-");
  for (const auto& file : files) {
    if (file == "-") {
      inputs_ok &= read_input(stdin, "<stdin>", &m);
      continue;
    }
    std::FILE* f = std::fopen(file.c_str(), "rb");
    if (!f) {
      std::fprintf(stderr, "hashsieve match: %s: %s\n", file.c_str(), std::strerror(errno));
      inputs_ok = false;
      continue;
    }
    inputs_ok &= read_input(f, file, &m);
    std::fclose(f);
  }
  m.flush();
  std::fflush(stdout);
  if (!inputs_ok || m.error()) return kExitUsage;
  return m.matched() ? kExitOk : kExitPartial;
}

}  // namespace hashsieve::cli
