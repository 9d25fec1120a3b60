#include "tools/scan_shard.h"

#include <cctype>

namespace hashsieve::cli {

uint64_t fnv1a64(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

namespace {

bool parse_number(std::string_view s, uint64_t& out) {
  if (s.empty() || s.size() > 10) return false;
  out = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    out = out * 10 + static_cast<uint64_t>(c - '0');
  }
  return true;
}

}  // namespace

bool parse_shard(const std::string& text, Shard& out, std::string& why) {
  const size_t slash = text.find('/');
  uint64_t i = 0, n = 0;
  if (slash == std::string::npos || !parse_number(std::string_view(text).substr(0, slash), i) ||
      !parse_number(std::string_view(text).substr(slash + 1), n)) {
    why = "takes I/N (two whole numbers, e.g. 0/4), not '" + text + "'";
    return false;
  }
  if (n == 0 || n > (uint64_t{1} << 32)) {
    why = "N must be 1..4294967296, not " + std::to_string(n);
    return false;
  }
  if (i >= n) {
    why = "I is 0-based: 0.." + std::to_string(n - 1) + " for N=" + std::to_string(n) + ", not " + std::to_string(i);
    return false;
  }
  out = Shard{i, n};
  return true;
}

}  // namespace hashsieve::cli
