// Hash values between Python and C++: 64 hex digits (str) or 32 big-endian bytes, the same
// 256-bit integer either way (bytes.fromhex(hex) == raw).
#pragma once

#include <pybind11/pybind11.h>

#include <vector>

#include "hashsieve/hash256.h"
#include "hashsieve/status.h"

namespace hashsieve::py {

namespace pb = pybind11;

inline constexpr size_t kHashBytes = 32;

void hash_to_bytes(const Hash256& h, uint8_t out[kHashBytes]) noexcept;
Hash256 hash_from_bytes(const uint8_t in[kHashBytes]) noexcept;
pb::bytes hash_bytes_object(const Hash256& h);

// One hash from a str of 64 hex digits or a bytes-like of 32 bytes (GIL held).
Status parse_hash(pb::handle obj, Hash256* out);
// Many hashes: a sequence of the above, or an (n, 32) uint8 array / n*32 contiguous bytes in a
// 2-D buffer. A bad item is kInvalidArgument naming its position (GIL held).
Status parse_hashes(pb::handle obj, std::vector<Hash256>* out);

// parse_hashes in steps, so a batch can be searched while its later hashes are still read: open()
// sizes `out` (an input in one buffer is read whole), read(upto) parses the sequence's items up to
// `upto` in order, with the same errors. The reader keeps the sequence alive. GIL held.
class HashReader {
 public:
  Status open(pb::handle obj, std::vector<Hash256>* out);
  Status read(size_t upto);
  size_t parsed() const { return parsed_; }

 private:
  std::vector<Hash256>* out_ = nullptr;
  pb::object seq_;
  PyObject** items_ = nullptr;
  size_t parsed_ = 0;
};

}  // namespace hashsieve::py
