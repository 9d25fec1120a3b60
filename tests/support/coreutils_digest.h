// Digests of a file computed by coreutils (md5sum, sha1sum, sha256sum, sha512sum): an
// implementation independent of the OpenSSL one the scanner uses.
#pragma once

#include <cstdio>
#include <string>

#include "hashsieve/digests.h"

namespace hashsieve::testing {

// Lowercase hex digest of `kind` (0 MD5 .. 3 SHA-512) of the file at `path`; "" on failure.
inline std::string coreutils_digest_hex(int kind, const std::string& path) {
  static const char* const tools[kDigestKinds] = {"md5sum", "sha1sum", "sha256sum", "sha512sum"};
  const std::string cmd = std::string(tools[kind]) + " -b '" + path + "'";
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return "";
  char buf[256] = {};
  const size_t n = std::fread(buf, 1, sizeof(buf) - 1, p);
  ::pclose(p);
  std::string out(buf, n);
  return out.substr(0, out.find(' '));
}

inline std::string coreutils_digest(int kind, const std::string& path) {
  std::string bytes;
  return parse_digest_hex(coreutils_digest_hex(kind, path), kind, &bytes) ? bytes : "";
}

}  // namespace hashsieve::testing
