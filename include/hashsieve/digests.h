// Exact signals: cryptographic digests of a file's bytes (MD5, SHA-1, SHA-256, SHA-512), as the
// exchanges ship them beside or instead of PDQ (NCMEC: MD5 and SHA-1 of every image and video;
// Tech Against Terrorism: MD5, SHA-256, SHA-512; StopNCII and ThreatExchange: video MD5). They
// match only a byte-identical upload.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "hashsieve/export.h"

namespace hashsieve {

// The signal a match was found by.
enum class Signal : uint8_t { kPdq = 0, kMd5, kSha1, kSha256, kSha512 };

// "pdq", "md5", "sha1", "sha256", "sha512".
HASHSIEVE_API const char* signal_name(Signal s) noexcept;

// Digest kinds are numbered 0..3 (MD5, SHA-1, SHA-256, SHA-512); kind k is Signal(k + 1).
inline constexpr int kDigestKinds = 4;
inline constexpr size_t kDigestSizes[kDigestKinds] = {16, 20, 32, 64};
inline constexpr Signal digest_signal(int kind) noexcept { return Signal(kind + 1); }
// A mask of digest kinds: bit k set = kind k.
using DigestMask = uint8_t;
inline constexpr DigestMask kAllDigests = 0x0f;

// The digest kind a producer's signal-type name stands for ("md5", "video_md5", "photo_md5",
// "VideoMD5", "sha1", "SHA-256", "sha512", any case); -1 for any other name.
HASHSIEVE_API int digest_kind_of(std::string_view name) noexcept;

// The digests known for an entry or computed for an upload: raw bytes, empty when not known.
struct HASHSIEVE_API Digests {
  std::array<std::string, kDigestKinds> bytes;

  bool empty() const noexcept { return mask() == 0; }
  DigestMask mask() const noexcept {
    DigestMask m = 0;
    for (int k = 0; k < kDigestKinds; ++k)
      if (!bytes[size_t(k)].empty()) m = DigestMask(m | (1u << k));
    return m;
  }
  friend bool operator==(const Digests& a, const Digests& b) noexcept { return a.bytes == b.bytes; }
  friend bool operator!=(const Digests& a, const Digests& b) noexcept { return !(a == b); }
};

// Hex digits (either case) of a digest of `kind` into raw bytes; false for a wrong length or a
// character that is not hex.
HASHSIEVE_API bool parse_digest_hex(std::string_view hex, int kind, std::string* out);
// Lowercase hex of raw bytes.
HASHSIEVE_API std::string digest_hex(std::string_view bytes);

}  // namespace hashsieve
