// `hashsieve match`: hashes in (one per line, or `hash,anything`), JSONL matches out.
// Exit 0 when something matched, 1 when nothing did, 2 on any error (grep's convention).
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "hashsieve/hash_index.h"
#include "hashsieve/list_formats.h"
#include "tools/checked_output.h"
#include "tools/db_options.h"
#include "tools/commands.h"
#include "tools/exit_codes.h"
#include "tools/path_text.h"

namespace hashsieve::cli {
namespace {

struct Options {
  DbOptions db;
  std::string lists, index = "mih";
  SearchOptions search;
  std::vector<std::string> files;
};

class Matcher {
 public:
  Matcher(const HashIndex& index, SearchOptions opts, CheckedOutput& out)
      : index_(index), opts_(std::move(opts)), out_(out) {}

  void add(const Hash256& h) {
    ++checked_;
    queries_.push_back(h);
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
        out += ",\"distance\":" + std::to_string(m.distance) + "}\n";
      }
      out_.write(out);
      matched_ = matched_ || !r->empty();
    }
    queries_.clear();
  }
  bool matched() const { return matched_; }
  uint64_t checked() const { return checked_; }
  bool error() const { return error_; }
  bool output_failed() const { return out_.failed(); }

 private:
  const HashIndex& index_;
  SearchOptions opts_;
  CheckedOutput& out_;
  std::vector<Hash256> queries_;
  uint64_t checked_ = 0;
  bool matched_ = false, error_ = false;
};

// Feeds one input's hashes to the matcher; false if any line was bad.
bool read_input(std::FILE* f, const std::string& name, Matcher* m) {
  bool ok = true;
  char* line = nullptr;
  size_t cap = 0;
  ssize_t len;
  uint64_t no = 0;
  while (!m->output_failed() && (len = getline(&line, &cap, f)) >= 0) {
    ++no;
    std::string_view s(line, size_t(len));
    s = s.substr(0, s.find(','));
    while (!s.empty() && std::strchr(" \t\r\n", s.back())) s.remove_suffix(1);
    while (!s.empty() && std::strchr(" \t", s.front())) s.remove_prefix(1);
    if (s.empty() || s[0] == '#') continue;
    auto h = parse_hex(s);
    if (!h.ok()) {
      std::fprintf(stderr, "%s:%llu: %s\n", escape_path(name).c_str(), (unsigned long long)no, h.status().message().c_str());
      ok = false;
      continue;
    }
    m->add(*h);
  }
  std::free(line);
  if (std::ferror(f)) {
    std::fprintf(stderr, "%s: read error\n", escape_path(name).c_str());
    ok = false;
  }
  return ok;
}

}  // namespace

namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "hashsieve match: %s\n", message.c_str());
  return kExitError;
}

int run(Options& o) {
  std::vector<std::string> lists;
  if (!o.lists.empty()) lists = split_names(o.lists, "--lists");
  auto store = open_store(o.db, "match", false, true);
  if (!store) return kExitError;
  auto snap = store->snapshot_active(lists);
  if (!snap.ok()) return fail(snap.status().to_string());
  IndexOptions io;
  io.kind = o.index == "flat" ? IndexKind::kFlat : IndexKind::kMultiIndex;
  auto index = HashIndex::Build(std::move(snap).value(), io);
  if (!index.ok()) return fail(index.status().to_string());
  if ((*index)->size() == 0)
    return fail("nothing can match: the lists selected (" + (o.lists.empty() ? std::string("all") : o.lists) +
                ") hold no active entries");
  CheckedOutput out(stdout, "stdout");
  Matcher m(**index, o.search, out);
  bool inputs_ok = true;
  if (o.files.empty()) o.files.push_back("-");
  for (const auto& file : o.files) {
    if (out.failed()) break;
    if (file == "-") {
      inputs_ok &= read_input(stdin, "<stdin>", &m);
      continue;
    }
    std::FILE* f = std::fopen(file.c_str(), "rb");
    if (!f) {
      const int err = errno;
      std::fprintf(stderr, "hashsieve match: %s: %s\n", escape_path(file).c_str(), std::strerror(err));
      inputs_ok = false;
      continue;
    }
    inputs_ok &= read_input(f, file, &m);
    std::fclose(f);
  }
  m.flush();
  out.flush();
  if (out.failed()) return fail(out.error());
  if (!inputs_ok || m.error()) return kExitError;
  if (m.checked() == 0) return fail("no hashes in the input: nothing was checked");
  return m.matched() ? kExitMatched : kExitNothingMatched;
}

}  // namespace

void add_match_command(CLI::App& root, Commands& commands) {
  auto o = std::make_shared<Options>();
  CLI::App* app = add_command(root, "match", "match hashes against the lists; JSONL out",
                              "Reads hashes (64 hex digits a line, or `hash,anything`) from the FILEs or stdin and "
                              "prints one JSON line per match: query, list, entry_id, distance.",
                              kMatchExitHelp);
  add_db_options(*app, o->db);
  app->add_option("FILE", o->files, "files of hashes (default, and \"-\": stdin)");
  app->add_option("--lists", o->lists, "lists to match, comma-separated (default: all)")->type_name("A,B");
  app->add_option("--radius", o->search.radius, "match radius 0..256 (default: each list's own)")
      ->check(in_range(0, 256))
      ->type_name("R");
  app->add_option("--index", o->index, "mih (default: multi-index hashing) or flat (a scan of every entry)")
      ->check(one_of({"mih", "flat"}))
      ->type_name("KIND");
  app->add_flag("--constant-time", o->search.constant_time, "search without early exits");
  commands.push_back({app, [o] { return run(*o); }, &o->files});
}

}  // namespace hashsieve::cli
