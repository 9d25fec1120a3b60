#include "tools/scan_state.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace hashsieve::cli {
namespace {
constexpr const char* kMagic = "hashsieve-scan-state 1";
}

bool load_scan_state(const std::string& file, ScanState& state, std::string& error) {
  state = {};
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return true;
    error = std::string("cannot read state file: ") + std::strerror(errno);
    return false;
  }
  std::string magic, key;
  std::getline(in, magic);
  if (magic != kMagic || !(in >> key >> state.done) || key != "done") {
    error = "state file is not a hashsieve scan state";
    return false;
  }
  in.get();  // newline
  if (!std::getline(in, key, ' ') || key != "last" || !std::getline(in, state.last_path)) {
    if (state.done == 0) return true;
    error = "state file is truncated";
    return false;
  }
  return true;
}

bool save_scan_state(const std::string& file, const ScanState& state, std::string& error) {
  const std::string tmp = file + ".tmp";
  std::string text = std::string(kMagic) + "\ndone " + std::to_string(state.done) + "\nlast " + state.last_path + "\n";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = std::string("cannot write state file: ") + std::strerror(errno);
    return false;
  }
  bool ok = ::write(fd, text.data(), text.size()) == ssize_t(text.size()) && ::fdatasync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), file.c_str()) != 0) {
    error = std::string("cannot write state file: ") + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace hashsieve::cli
