#include "tools/checked_output.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hashsieve::cli {

bool CheckedOutput::fail(int err) {
  if (error_.empty()) error_ = "cannot write " + name_ + ": " + std::strerror(err ? err : EIO);
  return false;
}

bool CheckedOutput::write(std::string_view text) {
  if (failed()) return false;
  if (text.empty()) return true;
  errno = 0;
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) return fail(errno);
  return true;
}

bool CheckedOutput::flush() {
  if (failed()) return false;
  errno = 0;
  if (std::fflush(file_) != 0 || std::ferror(file_)) return fail(errno);
  return true;
}

bool CheckedOutput::sync() {
  if (!flush()) return false;
  struct stat st {};
  const int fd = ::fileno(file_);
  if (::fstat(fd, &st) != 0) return fail(errno);
  if (S_ISREG(st.st_mode) && ::fsync(fd) != 0) return fail(errno);
  return true;
}

bool CheckedOutput::close() {
  const bool flushed = flush();
  std::FILE* f = file_;
  file_ = nullptr;
  errno = 0;
  if (std::fclose(f) != 0 && flushed) return fail(errno);
  return flushed;
}

}  // namespace hashsieve::cli
