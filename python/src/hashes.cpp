#include "hashes.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace hashsieve::py {

void hash_to_bytes(const Hash256& h, uint8_t out[kHashBytes]) noexcept {
  for (size_t i = 0; i < kHashBytes; ++i)
    out[i] = static_cast<uint8_t>(h.words[3 - i / 8] >> (56 - 8 * (i % 8)));
}

Hash256 hash_from_bytes(const uint8_t in[kHashBytes]) noexcept {
  Hash256 h;
  for (size_t i = 0; i < kHashBytes; ++i) h.words[3 - i / 8] |= uint64_t{in[i]} << (56 - 8 * (i % 8));
  return h;
}

pb::bytes hash_bytes_object(const Hash256& h) {
  uint8_t raw[kHashBytes];
  hash_to_bytes(h, raw);
  return pb::bytes(reinterpret_cast<const char*>(raw), kHashBytes);
}

namespace {

Status invalid(std::string why) { return Status(StatusCode::kInvalidArgument, std::move(why)); }

// Digit values, -1 for anything else.
constexpr std::array<int8_t, 256> kHexDigit = [] {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int c = 0; c < 10; ++c) t[size_t('0' + c)] = int8_t(c);
  for (int c = 0; c < 6; ++c) t[size_t('a' + c)] = t[size_t('A' + c)] = int8_t(10 + c);
  return t;
}();

// 64 hex digits, most significant first, without a branch per digit: a batch of 100k hashes
// is parsed with the GIL held, so this loop is part of every match call. False for any other
// text (parse_hex then says why).
bool parse_hex_fast(const char* s, size_t n, Hash256* out) noexcept {
  if (n != size_t(kHashHexLength)) return false;
  int8_t bad = 0;
  for (size_t w = 0; w < 4; ++w) {
    uint64_t v = 0;
    for (size_t k = 0; k < 16; ++k) {
      const int8_t d = kHexDigit[static_cast<uint8_t>(s[16 * w + k])];
      bad |= d;
      v = (v << 4) | uint64_t(uint8_t(d) & 0xf);
    }
    out->words[3 - w] = v;
  }
  return bad >= 0;
}

// A C-contiguous byte buffer's bytes, or nullptr.
struct ByteView {
  Py_buffer buf{};
  bool held = false;
  ~ByteView() {
    if (held) PyBuffer_Release(&buf);
  }
  bool open(PyObject* o, int flags) {
    if (!PyObject_CheckBuffer(o)) return false;
    if (PyObject_GetBuffer(o, &buf, flags) != 0) {
      PyErr_Clear();
      return false;
    }
    held = true;
    return true;
  }
};

}  // namespace

Status parse_hash(pb::handle obj, Hash256* out) {
  PyObject* o = obj.ptr();
  if (PyUnicode_Check(o)) {
    if (PyUnicode_IS_COMPACT_ASCII(o) &&
        parse_hex_fast(static_cast<const char*>(PyUnicode_DATA(o)), size_t(PyUnicode_GET_LENGTH(o)), out))
      return Status::Ok();
    Py_ssize_t n = 0;
    const char* s = PyUnicode_AsUTF8AndSize(o, &n);
    if (!s) {
      PyErr_Clear();
      return invalid("hash is not valid text");
    }
    auto h = parse_hex(std::string_view(s, static_cast<size_t>(n)));
    if (!h.ok()) return invalid("not a PDQ hash (64 hex digits): \"" + std::string(s, std::min<Py_ssize_t>(n, 80)) + "\"");
    *out = *h;
    return Status::Ok();
  }
  if (PyBytes_Check(o)) {
    if (PyBytes_GET_SIZE(o) != static_cast<Py_ssize_t>(kHashBytes))
      return invalid("a hash as bytes must be 32 bytes, got " + std::to_string(PyBytes_GET_SIZE(o)));
    *out = hash_from_bytes(reinterpret_cast<const uint8_t*>(PyBytes_AS_STRING(o)));
    return Status::Ok();
  }
  ByteView v;
  if (v.open(o, PyBUF_C_CONTIGUOUS)) {
    if (v.buf.len != static_cast<Py_ssize_t>(kHashBytes))
      return invalid("a hash as bytes must be 32 bytes, got " + std::to_string(v.buf.len));
    *out = hash_from_bytes(static_cast<const uint8_t*>(v.buf.buf));
    return Status::Ok();
  }
  return invalid(std::string("a hash must be 64 hex digits (str) or 32 bytes, got ") + Py_TYPE(o)->tp_name);
}

namespace {

bool byte_format(const char* f) {
  return f == nullptr || (f[0] != '\0' && f[1] == '\0' && (f[0] == 'B' || f[0] == 'b' || f[0] == 'c'));
}

// n hashes from an (n, 32) byte array (any strides) or n*32 bytes in one run; false when `v` is
// not a buffer of bytes (then the caller reads it as a sequence).
bool hashes_from_buffer(const Py_buffer& v, std::vector<Hash256>* out, Status* st) {
  if (v.itemsize != 1 || !byte_format(v.format)) return false;
  const auto* p = static_cast<const uint8_t*>(v.buf);
  if (v.ndim == 1 || v.ndim == 0) {
    const Py_ssize_t stride = v.strides && v.ndim == 1 ? v.strides[0] : 1;
    if (v.len % Py_ssize_t(kHashBytes) != 0) {
      *st = invalid("hashes as bytes must be n*32 bytes, got " + std::to_string(v.len));
      return true;
    }
    out->resize(size_t(v.len) / kHashBytes);
    uint8_t raw[kHashBytes];
    for (size_t i = 0; i < out->size(); ++i) {
      const uint8_t* row = p + Py_ssize_t(i * kHashBytes) * stride;
      if (stride != 1) {
        for (size_t j = 0; j < kHashBytes; ++j) raw[j] = row[Py_ssize_t(j) * stride];
        row = raw;
      }
      (*out)[i] = hash_from_bytes(row);
    }
    return true;
  }
  if (v.ndim != 2) {
    *st = invalid("a hash array must be (n, 32) bytes, got " + std::to_string(v.ndim) + " dimensions");
    return true;
  }
  if (v.shape[1] != static_cast<Py_ssize_t>(kHashBytes)) {
    *st = invalid("a hash array must be (n, 32) bytes, got (n, " + std::to_string(v.shape[1]) + ")");
    return true;
  }
  const Py_ssize_t s0 = v.strides ? v.strides[0] : Py_ssize_t(kHashBytes), s1 = v.strides ? v.strides[1] : 1;
  out->resize(static_cast<size_t>(v.shape[0]));
  uint8_t raw[kHashBytes];
  for (size_t i = 0; i < out->size(); ++i) {
    const uint8_t* row = p + Py_ssize_t(i) * s0;
    if (s1 != 1) {
      for (size_t j = 0; j < kHashBytes; ++j) raw[j] = row[Py_ssize_t(j) * s1];
      row = raw;
    }
    (*out)[i] = hash_from_bytes(row);
  }
  return true;
}

}  // namespace

Status HashReader::open(pb::handle obj, std::vector<Hash256>* out) {
  PyObject* o = obj.ptr();
  out->clear();
  out_ = out;
  items_ = nullptr;
  parsed_ = 0;
  if (PyUnicode_Check(o)) return invalid("expected a sequence of hashes; wrap a single hash in a list");
  // Bytes in one buffer (an (n, 32) uint8 array, n*32 bytes): read without a Python object per hash.
  if (PyObject_CheckBuffer(o)) {
    ByteView v;
    if (v.open(o, PyBUF_RECORDS_RO)) {
      Status st;
      if (hashes_from_buffer(v.buf, out, &st)) {
        if (!st.ok()) out->clear();
        parsed_ = out->size();
        return st;
      }
    }
  }
  PyObject* seq = PySequence_Fast(o, "expected a sequence of hashes");
  if (!seq) {
    PyErr_Clear();
    return invalid(std::string("expected a sequence of hashes, got ") + Py_TYPE(o)->tp_name);
  }
  seq_ = pb::reinterpret_steal<pb::object>(seq);
  items_ = PySequence_Fast_ITEMS(seq);
  out->resize(static_cast<size_t>(PySequence_Fast_GET_SIZE(seq)));
  return Status::Ok();
}

Status HashReader::read(size_t upto) {
  upto = std::min(upto, out_->size());
  for (; parsed_ < upto; ++parsed_) {
    Status s = parse_hash(items_[parsed_], &(*out_)[parsed_]);
    if (!s.ok()) return invalid("hash " + std::to_string(parsed_) + ": " + s.message());
  }
  return Status::Ok();
}

Status parse_hashes(pb::handle obj, std::vector<Hash256>* out) {
  HashReader reader;
  Status st = reader.open(obj, out);
  if (st.ok()) st = reader.read(out->size());
  return st;
}

}  // namespace hashsieve::py
