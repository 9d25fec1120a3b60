// Small argument helpers shared by the bench programs.
#pragma once

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace hashsieve::bench {

// "256,512,768" -> {256, 512, 768}; fields that are not positive numbers are skipped.
inline std::vector<int> parse_positive_ints(const std::string& s) {
  std::vector<int> out;
  std::stringstream ss(s);
  std::string tok;
  while (std::getline(ss, tok, ','))
    if (int v = std::atoi(tok.c_str()); v > 0) out.push_back(v);
  return out;
}

}  // namespace hashsieve::bench
