#include "engine/file_bytes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hashsieve {
namespace {

Status io_error(const char* what) { return Status(StatusCode::kIoError, std::string(what) + ": " + std::strerror(errno)); }

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Result<std::vector<uint8_t>> read_file_bytes(const std::string& path, size_t max_bytes) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)};
  if (f.fd < 0) return io_error("cannot open");
  struct stat st;
  if (::fstat(f.fd, &st) != 0) return io_error("cannot stat");
  if (!S_ISREG(st.st_mode)) return Status(StatusCode::kIoError, "not a regular file");
  if (uint64_t(st.st_size) > max_bytes) {
    return Status(StatusCode::kImageTooLarge, "file has " + std::to_string(st.st_size) +
                                                  " bytes; the limit is " + std::to_string(max_bytes));
  }
  std::vector<uint8_t> bytes(size_t(st.st_size));
  size_t got = 0;
  while (got < bytes.size()) {
    ssize_t n = ::read(f.fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("read failed");
    if (n == 0) break;  // shrank while reading: hash what is there
    got += size_t(n);
  }
  bytes.resize(got);
  return bytes;
}

}  // namespace hashsieve
