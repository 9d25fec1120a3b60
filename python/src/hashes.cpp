#include "hashes.h"

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

Status parse_hashes(pb::handle obj, std::vector<Hash256>* out) {
  PyObject* o = obj.ptr();
  out->clear();
  if (PyUnicode_Check(o) || PyBytes_Check(o))
    return invalid("expected a sequence of hashes; wrap a single hash in a list");
  // An (n, 32) array of bytes: read without touching each row as a Python object.
  if (PyObject_CheckBuffer(o)) {
    ByteView v;
    if (v.open(o, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | PyBUF_ND) && v.buf.ndim == 2 && v.buf.itemsize == 1) {
      if (v.buf.shape[1] != static_cast<Py_ssize_t>(kHashBytes))
        return invalid("a hash array must be (n, 32) bytes, got (n, " + std::to_string(v.buf.shape[1]) + ")");
      const auto* p = static_cast<const uint8_t*>(v.buf.buf);
      out->resize(static_cast<size_t>(v.buf.shape[0]));
      for (size_t i = 0; i < out->size(); ++i) (*out)[i] = hash_from_bytes(p + i * kHashBytes);
      return Status::Ok();
    }
  }
  PyObject* seq = PySequence_Fast(o, "expected a sequence of hashes");
  if (!seq) {
    PyErr_Clear();
    return invalid(std::string("expected a sequence of hashes, got ") + Py_TYPE(o)->tp_name);
  }
  pb::object owner = pb::reinterpret_steal<pb::object>(seq);
  const Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
  PyObject** items = PySequence_Fast_ITEMS(seq);
  out->resize(static_cast<size_t>(n));
  for (Py_ssize_t i = 0; i < n; ++i) {
    Status s = parse_hash(items[i], &(*out)[static_cast<size_t>(i)]);
    if (!s.ok()) return invalid("hash " + std::to_string(i) + ": " + s.message());
  }
  return Status::Ok();
}

}  // namespace hashsieve::py
