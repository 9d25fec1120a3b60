// Encryption at rest: every file of an encrypted store (tables, write-ahead logs, MANIFEST,
// the info log, the audit store) is AES-256-CTR through OpenSSL, behind RocksDB's encrypted file
// system. Each file starts with a 4 KiB header holding a marker, the key's fingerprint and the
// file's random IV, so a wrong key is recognised before any data is decrypted.
#pragma once

#include <array>
#include <memory>
#include <string>

#include "hashsieve/status.h"

namespace rocksdb {
class EncryptionProvider;
}

namespace hashsieve::store {

class StoreKey {
 public:
  // A key file holds 32 raw bytes, or 64 hex digits (a trailing newline is allowed).
  static Result<std::shared_ptr<const StoreKey>> Load(const std::string& file);
  static std::shared_ptr<const StoreKey> FromBytes(const std::array<unsigned char, 32>& bytes);

  const unsigned char* bytes() const { return key_.data(); }
  // Identifies the key without revealing it: the first 16 bytes of SHA-256(label || key).
  const std::array<unsigned char, 16>& fingerprint() const { return fingerprint_; }

 private:
  std::array<unsigned char, 32> key_{};
  std::array<unsigned char, 16> fingerprint_{};
};

std::shared_ptr<rocksdb::EncryptionProvider> make_encryption_provider(std::shared_ptr<const StoreKey> key);

// Compares an existing database's CURRENT file with the key: encrypted without a key, a wrong
// key, or a key for a plain database are kInvalidArgument with a message that says which.
// A database without CURRENT (none yet) is fine.
Status check_store_key(const std::string& db_dir, const StoreKey* key);

}  // namespace hashsieve::store
