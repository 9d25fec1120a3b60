#include "engine/upload_digests.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

namespace hashsieve {
namespace {

// Fetched once: an implicit fetch per call would look the algorithm up every time.
const EVP_MD* digest_md(int kind) {
  static const EVP_MD* const mds[kDigestKinds] = {
      EVP_MD_fetch(nullptr, "MD5", nullptr), EVP_MD_fetch(nullptr, "SHA1", nullptr),
      EVP_MD_fetch(nullptr, "SHA256", nullptr), EVP_MD_fetch(nullptr, "SHA512", nullptr)};
  return mds[kind];
}

Status unavailable(int kind) {
  return Status(StatusCode::kUnsupported, std::string("OpenSSL cannot compute ") + signal_name(digest_signal(kind)));
}

struct CtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_MD_CTX, CtxFree>;

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Status io_error(const char* what) { return Status(StatusCode::kIoError, std::string(what) + ": " + std::strerror(errno)); }

}  // namespace

Result<Digests> digest_bytes(const uint8_t* data, size_t size, DigestMask kinds) {
  Digests out;
  for (int k = 0; k < kDigestKinds; ++k) {
    if (!(kinds & (1u << k))) continue;
    const EVP_MD* md = digest_md(k);
    if (!md) return unavailable(k);
    unsigned char buf[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data, size, buf, &len, md, nullptr) != 1 || len != kDigestSizes[k]) return unavailable(k);
    out.bytes[size_t(k)].assign(reinterpret_cast<const char*>(buf), len);
  }
  return out;
}

Result<Digests> digest_file(const std::string& path, DigestMask kinds, const ItemControl& control) {
  Ctx ctx[kDigestKinds];
  for (int k = 0; k < kDigestKinds; ++k) {
    if (!(kinds & (1u << k))) continue;
    const EVP_MD* md = digest_md(k);
    ctx[k].reset(EVP_MD_CTX_new());
    if (!md || !ctx[k] || EVP_DigestInit_ex(ctx[k].get(), md, nullptr) != 1) return unavailable(k);
  }
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)};
  if (f.fd < 0) return io_error("cannot open");
  struct stat st;
  if (::fstat(f.fd, &st) != 0) return io_error("cannot stat");
  if (!S_ISREG(st.st_mode)) return Status(StatusCode::kIoError, "not a regular file");
  std::vector<uint8_t> piece(size_t(1) << 20);
  while (true) {
    if (Status s = control.stop_status(); !s.ok()) return s;
    ssize_t n = ::read(f.fd, piece.data(), piece.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("read failed");
    if (n == 0) break;
    for (int k = 0; k < kDigestKinds; ++k)
      if (ctx[k] && EVP_DigestUpdate(ctx[k].get(), piece.data(), size_t(n)) != 1) return unavailable(k);
  }
  Digests out;
  for (int k = 0; k < kDigestKinds; ++k) {
    if (!ctx[k]) continue;
    unsigned char buf[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx[k].get(), buf, &len) != 1 || len != kDigestSizes[k]) return unavailable(k);
    out.bytes[size_t(k)].assign(reinterpret_cast<const char*>(buf), len);
  }
  return out;
}

}  // namespace hashsieve
