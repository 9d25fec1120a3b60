#include "tools/scan_report_output.h"

#include "tools/store_open.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hashsieve::cli {

ScanReportOutput::~ScanReportOutput() {
  if (owns_file_ && out_ && out_->file()) out_->close();
}

bool ScanReportOutput::open_fresh(const std::string& file, std::string& error) {
  if (file.empty()) {
    out_ = std::make_unique<CheckedOutput>(stdout, "the report (stdout)");
    return true;
  }
  std::FILE* f = open_private_file(file, "wb");  // 0600: reports name uploads and list entries
  if (!f) {
    error = "cannot write the report " + file + ": " + std::strerror(errno);
    return false;
  }
  out_ = std::make_unique<CheckedOutput>(f, "the report " + file);
  owns_file_ = true;
  return true;
}

bool ScanReportOutput::open_resume(const std::string& file, uint64_t bytes, std::string& error) {
  const int fd = ::open(file.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot resume: the report " + file + " cannot be opened: " + std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || uint64_t(st.st_size) < bytes) {
    ::close(fd);
    error = "cannot resume: the report " + file + " is shorter than the state file says (" + std::to_string(bytes) +
            " bytes): it is not this scan's report, or it was changed";
    return false;
  }
  // Cut back to the durable point: a torn line and the lines of items not yet recorded go.
  if (::ftruncate(fd, off_t(bytes)) != 0 || ::lseek(fd, off_t(bytes), SEEK_SET) < 0) {
    error = "cannot resume: cannot cut the report " + file + " back: " + std::strerror(errno);
    ::close(fd);
    return false;
  }
  std::FILE* f = ::fdopen(fd, "wb");
  if (!f) {
    error = "cannot resume: " + std::string(std::strerror(errno));
    ::close(fd);
    return false;
  }
  out_ = std::make_unique<CheckedOutput>(f, "the report " + file);
  owns_file_ = true;
  bytes_ = bytes;
  return true;
}

bool ScanReportOutput::close() {
  if (!owns_file_) return out_->flush();
  owns_file_ = false;
  return out_->close();
}

}  // namespace hashsieve::cli
