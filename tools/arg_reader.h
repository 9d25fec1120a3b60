// An option reader for commands whose options and paths may come in any order (hash, scan).
// Named apart from cli_args.h's Args: one name per type across the binary.
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/exit_codes.h"

namespace hashsieve::cli {

class ArgReader {
 public:
  ArgReader(int argc, char** argv) : argv_(argv + 1, argv + argc) {}

  // Options come before, between or after positionals; "--" ends options.
  bool done() const { return i_ >= argv_.size(); }
  // True (and consumes it) when the next argument is `name` or `name=value`.
  bool option(std::string_view name) {
    if (done() || only_positional_) return false;
    std::string_view a = argv_[i_];
    if (a == name) {
      ++i_;
      inline_value_.reset();
      return true;
    }
    if (a.size() > name.size() && a.substr(0, name.size()) == name && a[name.size()] == '=') {
      inline_value_ = std::string(a.substr(name.size() + 1));
      ++i_;
      return true;
    }
    return false;
  }
  // The value of the option just matched; false when missing.
  bool value(std::string& out) {
    if (inline_value_) {
      out = *inline_value_;
      inline_value_.reset();
      return true;
    }
    if (done()) return false;
    out = argv_[i_++];
    return true;
  }
  // The next argument when it is a positional; otherwise false (an unknown option).
  bool positional(std::string& out) {
    if (done()) return false;
    std::string_view a = argv_[i_];
    if (!only_positional_ && a == "--") {
      only_positional_ = true;
      ++i_;
      return positional(out);
    }
    if (!only_positional_ && a.size() > 1 && a[0] == '-') return false;
    out = argv_[i_++];
    return true;
  }
  const char* current() const { return done() ? "" : argv_[i_]; }

 private:
  std::vector<char*> argv_;
  size_t i_ = 0;
  bool only_positional_ = false;
  std::optional<std::string> inline_value_;
};

// "a,b,c" -> {"a", "b", "c"} (empty fields kept, so callers can reject them).
inline std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t p; (p = s.find(',', start)) != std::string::npos; start = p + 1) out.push_back(s.substr(start, p - start));
  out.push_back(s.substr(start));
  return out;
}

// Prints "hashsieve COMMAND: message" and where help is; returns the usage exit status.
inline int report_usage_error(const char* command, const std::string& message) {
  std::fprintf(stderr, "hashsieve %s: %s\n(see hashsieve %s --help)\n", command, message.c_str(), command);
  return kExitUsage;
}

// Parses a whole decimal number in [lo, hi].
inline bool parse_int(const std::string& s, long lo, long hi, long& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(s.c_str(), &end, 10);
  if (errno || *end || v < lo || v > hi) return false;
  out = v;
  return true;
}

}  // namespace hashsieve::cli
