#include "hashsieve/digests.h"

#include <cctype>

namespace hashsieve {

const char* signal_name(Signal s) noexcept {
  switch (s) {
    case Signal::kPdq: return "pdq";
    case Signal::kMd5: return "md5";
    case Signal::kSha1: return "sha1";
    case Signal::kSha256: return "sha256";
    case Signal::kSha512: return "sha512";
  }
  return "unknown";
}

int digest_kind_of(std::string_view name) noexcept {
  // Lowercase, without '-' and '_', so "video_md5", "VideoMD5" and "SHA-256" read alike.
  char buf[24];
  size_t n = 0;
  for (char c : name) {
    if (c == '-' || c == '_') continue;
    if (n == sizeof(buf)) return -1;
    buf[n++] = char(std::tolower(static_cast<unsigned char>(c)));
  }
  std::string_view s(buf, n);
  if (s == "md5" || s == "videomd5" || s == "photomd5" || s == "imagemd5") return 0;
  if (s == "sha1") return 1;
  if (s == "sha256") return 2;
  if (s == "sha512") return 3;
  return -1;
}

bool parse_digest_hex(std::string_view hex, int kind, std::string* out) {
  if (kind < 0 || kind >= kDigestKinds || hex.size() != 2 * kDigestSizes[kind]) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string bytes(hex.size() / 2, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes[i] = char(hi << 4 | lo);
  }
  *out = std::move(bytes);
  return true;
}

std::string digest_hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    s.push_back(kHex[c >> 4]);
    s.push_back(kHex[c & 15]);
  }
  return s;
}

}  // namespace hashsieve
