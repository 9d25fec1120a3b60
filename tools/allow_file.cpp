#include "tools/allow_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace hashsieve::cli {

bool load_allow_file(const std::string& file, std::vector<AllowEntry>& entries, std::string& error) {
  std::ifstream in(file);
  if (!in) {
    error = "cannot read the allow file " + file + ": " + std::strerror(errno);
    return false;
  }
  std::string line;
  for (int no = 1; std::getline(in, line); ++no) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const size_t comma = line.find(',');
    if (comma == std::string::npos || comma == 0 || comma + 1 == line.size()) {
      error = file + ":" + std::to_string(no) + ": expected list,entry_id";
      return false;
    }
    entries.push_back({line.substr(0, comma), line.substr(comma + 1), no});
  }
  if (in.bad()) {
    error = "cannot read the allow file " + file;
    return false;
  }
  return true;
}

}  // namespace hashsieve::cli
