// Minimal option parsing shared by the store commands: `--name value`, `--name=value`, flags,
// positionals ("-" is a positional; "--" ends options).
#pragma once

#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "hashsieve/hash_store.h"
#include "tools/store_open.h"

namespace hashsieve::cli {

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;
  std::set<std::string> flags;
  std::string error;  // non-empty when parsing failed

  bool has(const std::string& name) const { return values.count(name) || flags.count(name); }
  std::string get(const std::string& name, const std::string& fallback = "") const {
    auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
  }
};

inline Args parse_args(int argc, char** argv, int first, const std::set<std::string>& value_opts,
                       const std::set<std::string>& flag_opts) {
  Args a;
  bool options_done = false;
  for (int i = first; i < argc; ++i) {
    std::string s = argv[i];
    if (options_done || s.size() < 2 || s[0] != '-' ) { a.positional.push_back(s); continue; }
    if (s == "--") { options_done = true; continue; }
    std::string name = s, value;
    bool has_value = false;
    if (auto eq = s.find('='); eq != std::string::npos) { name = s.substr(0, eq); value = s.substr(eq + 1); has_value = true; }
    if (value_opts.count(name) || name == "--key-file") {  // every store command takes --key-file
      if (!has_value) {
        if (i + 1 >= argc) { a.error = name + " needs a value"; return a; }
        value = argv[++i];
      }
      a.values[name] = value;
    } else if (flag_opts.count(name) && !has_value) {
      a.flags.insert(name);
    } else {
      a.error = "unknown option " + name;
      return a;
    }
  }
  return a;
}

// Parses an integer in [lo, hi]; false on anything else.
inline bool parse_int(const std::string& s, int lo, int hi, int* out) {
  if (s.empty() || s.size() > 9) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v < lo || v > hi) return false;
  *out = v;
  return true;
}

inline constexpr const char* kDefaultDb = "./hashsieve.db";

// Opens the store named by --db, printing the reason on failure.
inline std::unique_ptr<HashStore> open_store(const Args& a, const char* cmd, bool create, bool read_only) {
  StoreOptions o;
  o.create_if_missing = create;
  o.read_only = read_only;
  o.key_file = store_key_file(a.get("--key-file"));
  std::string path = a.get("--db", kDefaultDb);
  auto s = HashStore::Open(path, o);
  if (!s.ok()) {
    std::fprintf(stderr, "hashsieve %s: %s\n", cmd, s.status().to_string().c_str());
    return nullptr;
  }
  return std::move(s).value();
}

}  // namespace hashsieve::cli
