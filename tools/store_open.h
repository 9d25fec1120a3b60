// What every command that opens the database shares: the key of an encrypted store (--key-file,
// or the file named by HASHSIEVE_KEY_FILE), and private output files (created 0600 whatever
// the umask: reports name uploads and matched list entries).
#pragma once

#include <fcntl.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace hashsieve::cli {

inline constexpr const char* kKeyFileEnv = "HASHSIEVE_KEY_FILE";

inline std::string store_key_file(const std::string& flag) {
  if (!flag.empty()) return flag;
  const char* env = std::getenv(kKeyFileEnv);
  return env ? env : "";
}

// fopen with mode "wb" or "ab", creating the file 0600 (an existing file keeps its mode).
inline std::FILE* open_private_file(const std::string& path, const char* mode) {
  const bool append = std::strchr(mode, 'a') != nullptr;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0600);
  if (fd < 0) return nullptr;
  std::FILE* f = ::fdopen(fd, mode);
  if (!f) ::close(fd);
  return f;
}

}  // namespace hashsieve::cli
