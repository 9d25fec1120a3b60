#include "hashsieve/digests.h"

#include <array>
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
  // A table lookup per digit: range tests mispredict on random hex.
  static constexpr auto kNibble = [] {
    std::array<uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c)
      t[size_t(c)] = c >= '0' && c <= '9' ? uint8_t(c - '0') : c >= 'a' && c <= 'f' ? uint8_t(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? uint8_t(c - 'A' + 10) : 0xff;
    return t;
  }();
  const size_t n = hex.size() / 2;
  char buf[64];
  uint8_t bad = 0;
  for (size_t i = 0; i < n; ++i) {
    uint8_t hi = kNibble[uint8_t(hex[2 * i])], lo = kNibble[uint8_t(hex[2 * i + 1])];
    bad |= hi | lo;
    buf[i] = char(hi << 4 | (lo & 0xf));
  }
  if (bad & 0xf0) return false;
  out->assign(buf, n);
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
