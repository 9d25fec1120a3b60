#include "index/store_crypto.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <rocksdb/env_encryption.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

namespace hashsieve::store {
namespace {

namespace rdb = rocksdb;

constexpr char kMarker[8] = {'H', 'S', 'A', 'E', 'S', 'C', 'T', 'R'};
constexpr size_t kHeaderSize = 4096;  // a page, as RocksDB advises for the prefix
constexpr size_t kFingerprintAt = 8, kIvAt = 24;

// One OpenSSL context per thread, reused: RocksDB reads one file from many threads at once.
struct ThreadCipher {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  ~ThreadCipher() { EVP_CIPHER_CTX_free(ctx); }
};

// AES-256-CTR over a whole range at once (OpenSSL's AES-NI path), the counter block being the
// file's IV plus the 16-byte block number of `offset`, as a 128-bit big-endian sum.
class CtrStream final : public rdb::BlockAccessCipherStream {
 public:
  CtrStream(std::shared_ptr<const StoreKey> key, const unsigned char* iv) : key_(std::move(key)) {
    std::memcpy(iv_, iv, 16);
  }
  size_t BlockSize() override { return 16; }
  rdb::Status Encrypt(uint64_t offset, char* data, size_t n) override { return apply(offset, data, n); }
  rdb::Status Decrypt(uint64_t offset, char* data, size_t n) override { return apply(offset, data, n); }

 protected:
  void AllocateScratch(std::string&) override {}
  rdb::Status EncryptBlock(uint64_t block, char* data, char*) override { return apply(block * 16, data, 16); }
  rdb::Status DecryptBlock(uint64_t block, char* data, char*) override { return apply(block * 16, data, 16); }

 private:
  rdb::Status apply(uint64_t offset, char* data, size_t n) {
    thread_local ThreadCipher tc;
    if (!tc.ctx) return rdb::Status::IOError("cannot allocate a cipher context");
    unsigned char counter[16];
    std::memcpy(counter, iv_, 16);
    uint64_t add = offset / 16;
    for (int i = 15; i >= 0 && add; --i) {  // 128-bit big-endian addition
      const unsigned sum = unsigned(counter[i]) + unsigned(add & 0xff);
      counter[i] = static_cast<unsigned char>(sum);
      add = (add >> 8) + (sum >> 8);
    }
    int len = 0;
    if (EVP_EncryptInit_ex(tc.ctx, EVP_aes_256_ctr(), nullptr, key_->bytes(), counter) != 1)
      return rdb::Status::IOError("AES-256-CTR setup failed");
    if (const int skip = int(offset % 16)) {  // start mid-block: step the key stream forward
      unsigned char waste[16];
      if (EVP_EncryptUpdate(tc.ctx, waste, &len, waste, skip) != 1) return rdb::Status::IOError("AES-256-CTR failed");
    }
    auto* p = reinterpret_cast<unsigned char*>(data);
    while (n > 0) {
      const int chunk = int(std::min<size_t>(n, 1 << 30));
      if (EVP_EncryptUpdate(tc.ctx, p, &len, p, chunk) != 1) return rdb::Status::IOError("AES-256-CTR failed");
      p += chunk;
      n -= size_t(chunk);
    }
    return rdb::Status::OK();
  }

  std::shared_ptr<const StoreKey> key_;
  unsigned char iv_[16];
};

class Aes256CtrProvider final : public rdb::EncryptionProvider {
 public:
  explicit Aes256CtrProvider(std::shared_ptr<const StoreKey> key) : key_(std::move(key)) {}
  const char* Name() const override { return "hashsieve.aes256ctr"; }
  size_t GetPrefixLength() const override { return kHeaderSize; }

  rdb::Status CreateNewPrefix(const std::string&, char* prefix, size_t len) const override {
    if (len < kHeaderSize) return rdb::Status::InvalidArgument("encryption header too small");
    std::memset(prefix, 0, len);
    std::memcpy(prefix, kMarker, sizeof kMarker);
    std::memcpy(prefix + kFingerprintAt, key_->fingerprint().data(), 16);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(prefix + kIvAt), 16) != 1)
      return rdb::Status::IOError("no random bytes for a file IV");
    return rdb::Status::OK();
  }

  rdb::Status AddCipher(const std::string&, const char*, size_t, bool) override {
    return rdb::Status::NotSupported("the key is fixed when the store is opened");
  }

  rdb::Status CreateCipherStream(const std::string& fname, const rdb::EnvOptions&, rdb::Slice& prefix,
                                 std::unique_ptr<rdb::BlockAccessCipherStream>* result) override {
    if (prefix.size() < kHeaderSize || std::memcmp(prefix.data(), kMarker, sizeof kMarker) != 0)
      return rdb::Status::Corruption("not an encrypted hashsieve file: " + fname);
    if (std::memcmp(prefix.data() + kFingerprintAt, key_->fingerprint().data(), 16) != 0)
      return rdb::Status::InvalidArgument("wrong key for " + fname);
    result->reset(new CtrStream(key_, reinterpret_cast<const unsigned char*>(prefix.data() + kIvAt)));
    return rdb::Status::OK();
  }

  std::string GetMarker() const override { return std::string(kMarker, sizeof kMarker); }

 private:
  std::shared_ptr<const StoreKey> key_;
};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::shared_ptr<const StoreKey> StoreKey::FromBytes(const std::array<unsigned char, 32>& bytes) {
  auto k = std::make_shared<StoreKey>();
  k->key_ = bytes;
  static constexpr char kLabel[] = "hashsieve store key fingerprint";
  unsigned char buf[sizeof kLabel + 32], digest[SHA256_DIGEST_LENGTH];
  std::memcpy(buf, kLabel, sizeof kLabel);
  std::memcpy(buf + sizeof kLabel, bytes.data(), 32);
  SHA256(buf, sizeof buf, digest);
  std::memcpy(k->fingerprint_.data(), digest, 16);
  OPENSSL_cleanse(buf, sizeof buf);
  return k;
}

namespace {

// The key file's text, read through one descriptor whose mode is checked first (so the file
// checked is the file read). A key that group or others can read (or replace) is refused
// before a byte of it is read; the message names the mode, never the contents.
Status read_private_file(const std::string& file, std::string* text) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return Status(StatusCode::kInvalidArgument, "cannot read key file '" + file + "': " + std::strerror(errno));
  struct stat st {};
  Status result;
  if (::fstat(fd, &st) != 0) {
    result = Status(StatusCode::kInvalidArgument, "cannot read key file '" + file + "': " + std::strerror(errno));
  } else if (st.st_mode & (S_IRWXG | S_IRWXO)) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", unsigned(st.st_mode & 07777));
    result = Status(StatusCode::kInvalidArgument, "key file '" + file + "' is open to group or others (mode " + mode +
                                                      "): make it readable by its owner only (chmod 600)");
  } else {
    text->reserve(4096 + 256);  // no reallocation leaves a copy of the key behind
    char buf[256];
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n > 0) {
        text->append(buf, size_t(n));
        if (text->size() > 4096) break;  // no key file is this long: refused below as too long
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) result = Status(StatusCode::kInvalidArgument, "cannot read key file '" + file + "': " + std::strerror(errno));
      break;
    }
    OPENSSL_cleanse(buf, sizeof buf);
  }
  ::close(fd);
  return result;
}

}  // namespace

Result<std::shared_ptr<const StoreKey>> StoreKey::Load(const std::string& file) {
  std::string text;
  if (Status st = read_private_file(file, &text); !st.ok()) {
    OPENSSL_cleanse(text.data(), text.size());
    return st;
  }
  std::array<unsigned char, 32> bytes{};
  if (text.size() == 32) {
    std::memcpy(bytes.data(), text.data(), 32);
  } else {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    if (text.size() != 64)
      return Status(StatusCode::kInvalidArgument,
                    "key file '" + file + "' must hold 32 bytes or 64 hex digits (AES-256)");
    for (size_t i = 0; i < 32; ++i) {
      const int hi = hex_digit(text[2 * i]), lo = hex_digit(text[2 * i + 1]);
      if (hi < 0 || lo < 0) return Status(StatusCode::kInvalidArgument, "key file '" + file + "' is not hex");
      bytes[i] = static_cast<unsigned char>(hi * 16 + lo);
    }
  }
  OPENSSL_cleanse(text.data(), text.size());
  auto key = FromBytes(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return key;
}

std::shared_ptr<rdb::EncryptionProvider> make_encryption_provider(std::shared_ptr<const StoreKey> key) {
  return std::make_shared<Aes256CtrProvider>(std::move(key));
}

Status check_store_key(const std::string& db_dir, const StoreKey* key) {
  std::ifstream in(db_dir + "/CURRENT", std::ios::binary);
  if (!in) return Status::Ok();
  char head[kFingerprintAt + 16] = {};
  in.read(head, sizeof head);
  const bool encrypted = in.gcount() == std::streamsize(sizeof head) && std::memcmp(head, kMarker, sizeof kMarker) == 0;
  if (encrypted && !key)
    return Status(StatusCode::kInvalidArgument, "database '" + db_dir + "' is encrypted: give its key (--key-file)");
  if (!encrypted && key)
    return Status(StatusCode::kInvalidArgument, "database '" + db_dir + "' is not encrypted, but a key was given");
  if (key && std::memcmp(head + kFingerprintAt, key->fingerprint().data(), 16) != 0)
    return Status(StatusCode::kInvalidArgument, "wrong key for database '" + db_dir + "'");
  return Status::Ok();
}

}  // namespace hashsieve::store
