#include "tools/scan_state.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace hashsieve::cli {
namespace {

constexpr const char* kMagic = "hashsieve-scan-state 2";
constexpr size_t kMaxStateFile = 64 * 1024;

bool parse_u64(const std::string& s, int base, uint64_t& out) {
  if (s.empty() || s.size() > 20) return false;
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c)) || (base == 10 && !std::isdigit(static_cast<unsigned char>(c)))) return false;
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(s.c_str(), &end, base);
  if (errno || *end) return false;
  out = v;
  return true;
}

std::string hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// fsync of the directory holding `file`, so the rename itself survives a crash.
void sync_parent_dir(const std::string& file) {
  const size_t slash = file.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : file.substr(0, slash);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void QueueDigest::add(std::string_view path) {
  for (char c : path) {
    h_ ^= static_cast<unsigned char>(c);
    h_ *= 0x100000001b3ULL;
  }
  h_ *= 0x100000001b3ULL;  // the NUL separator
}

bool load_scan_state(const std::string& file, ScanState& state, bool& exists, std::string& error) {
  state = {};
  exists = false;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return true;
    error = "cannot read the state file " + file + ": " + std::strerror(errno);
    return false;
  }
  exists = true;
  std::string text(kMaxStateFile + 1, '\0');
  in.read(text.data(), std::streamsize(text.size()));
  text.resize(size_t(in.gcount()));
  auto bad = [&](const std::string& why) {
    error = "the state file " + file + " " + why + "; refusing to resume (delete it to start over)";
    return false;
  };
  if (text.size() > kMaxStateFile) return bad("is too large to be a scan state");
  std::istringstream lines(text);
  std::string line;
  if (!std::getline(lines, line) || line != kMagic) return bad("is not a hashsieve scan state (version 2)");
  std::map<std::string, std::string> fields;
  while (std::getline(lines, line)) {
    const size_t space = line.find(' ');
    if (space == std::string::npos || !fields.emplace(line.substr(0, space), line.substr(space + 1)).second)
      return bad("is malformed");
  }
  if (text.empty() || text.back() != '\n') return bad("is truncated");
  for (const char* key : {"done", "report_bytes", "matched", "failed", "queue", "report", "last"})
    if (!fields.count(key)) return bad(std::string("lacks '") + key + "'");
  if (fields.size() != 7) return bad("has unknown fields");
  if (!parse_u64(fields["done"], 10, state.done) || !parse_u64(fields["report_bytes"], 10, state.report_bytes) ||
      !parse_u64(fields["matched"], 10, state.matched) || !parse_u64(fields["failed"], 10, state.failed) ||
      !parse_u64(fields["queue"], 16, state.queue_digest) || fields["queue"].size() != 16)
    return bad("holds a number that is not one");
  if (state.matched > state.done || state.failed > state.done || state.matched + state.failed > state.done)
    return bad("counts more matched or failed items than items done");
  if (state.done == 0 && (state.matched || state.failed || state.queue_digest != QueueDigest().value()))
    return bad("has an impossible count");
  state.report_kind = fields["report"];
  state.last_path = fields["last"];
  return true;
}

bool save_scan_state(const std::string& file, const ScanState& state, std::string& error) {
  const std::string tmp = file + ".tmp";
  const std::string text = std::string(kMagic) + "\ndone " + std::to_string(state.done) + "\nreport_bytes " +
                           std::to_string(state.report_bytes) + "\nmatched " + std::to_string(state.matched) +
                           "\nfailed " + std::to_string(state.failed) + "\nqueue " + hex64(state.queue_digest) +
                           "\nreport " + state.report_kind + "\nlast " + state.last_path + "\n";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = "cannot write the state file " + tmp + ": " + std::strerror(errno);
    return false;
  }
  bool ok = ::write(fd, text.data(), text.size()) == ssize_t(text.size()) && ::fsync(fd) == 0;
  int err = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (ok && std::rename(tmp.c_str(), file.c_str()) != 0) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    error = "cannot write the state file " + file + ": " + std::strerror(err ? err : EIO);
    return false;
  }
  sync_parent_dir(file);
  return true;
}

}  // namespace hashsieve::cli
