#include "sources.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace hashsieve::py {

Source::Source(Source&& o) noexcept { *this = std::move(o); }

Source& Source::operator=(Source&& o) noexcept {
  if (this == &o) return *this;
  release();
  kind_ = o.kind_;
  data_ = o.data_;
  size_ = o.size_;
  path_ = std::move(o.path_);
  view_ = o.view_;
  needs_packing_ = o.needs_packing_;
  base_ = o.base_;
  s0_ = o.s0_, s1_ = o.s1_, s2_ = o.s2_;
  channels_ = o.channels_;
  // A vector's buffer moves with it, so data_ / view_.data stay valid.
  owned_ = std::move(o.owned_);
  buffer_ = std::move(o.buffer_);
  keep_ = std::exchange(o.keep_, nullptr);
  return *this;
}

Source::~Source() { release(); }

void Source::release() noexcept {
  if (buffer_) PyBuffer_Release(buffer_.get());
  buffer_.reset();
  Py_XDECREF(keep_);
  keep_ = nullptr;
}

Status read_file(const std::string& path, size_t max_bytes, std::vector<uint8_t>* out) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status(StatusCode::kIoError, path + ": " + std::strerror(errno));
  std::unique_ptr<FILE, int (*)(FILE*)> closer(f, &std::fclose);
  if (std::fseek(f, 0, SEEK_END) == 0) {
    long end = std::ftell(f);
    if (end >= 0 && static_cast<unsigned long>(end) > max_bytes)
      return Status(StatusCode::kImageTooLarge, path + ": file larger than " + std::to_string(max_bytes) + " bytes");
    if (end > 0) out->reserve(static_cast<size_t>(end));
    std::rewind(f);
  }
  uint8_t chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (out->size() + n > max_bytes)
      return Status(StatusCode::kImageTooLarge, path + ": file larger than " + std::to_string(max_bytes) + " bytes");
    out->insert(out->end(), chunk, chunk + n);
  }
  if (std::ferror(f)) return Status(StatusCode::kIoError, path + ": read error");
  return Status::Ok();
}

Status Source::prepare(size_t max_bytes) {
  if (kind_ == Kind::kPath) {
    if (data_) return Status::Ok();
    Status s = read_file(path_, max_bytes, &owned_);
    if (!s.ok()) return s;
    data_ = owned_.data();
    size_ = owned_.size();
    return Status::Ok();
  }
  if (kind_ != Kind::kPixels || !needs_packing_) return Status::Ok();
  const int w = view_.width, h = view_.height, c = channels_;
  owned_.resize(static_cast<size_t>(w) * h * c);
  uint8_t* dst = owned_.data();
  for (int y = 0; y < h; ++y) {
    const uint8_t* row = base_ + y * s0_;
    for (int x = 0; x < w; ++x) {
      const uint8_t* px = row + x * s1_;
      for (int k = 0; k < c; ++k) *dst++ = px[k * s2_];
    }
  }
  view_.data = owned_.data();
  view_.stride = static_cast<size_t>(w) * c;
  needs_packing_ = false;
  return Status::Ok();
}

Result<ChannelOrder> parse_channel_order(const std::string& name) {
  if (name == "rgb") return ChannelOrder::kRgb;
  if (name == "bgr") return ChannelOrder::kBgr;
  return Status(StatusCode::kInvalidArgument, "order must be \"rgb\" or \"bgr\", not \"" + name + "\"");
}

namespace {

Status invalid(std::string why) { return Status(StatusCode::kInvalidArgument, std::move(why)); }

std::string type_name(pb::handle obj) { return Py_TYPE(obj.ptr())->tp_name; }

// The element type of a buffer for messages: numpy's dtype when there is one.
std::string describe_format(pb::handle obj, const char* format) {
  if (pb::hasattr(obj, "dtype")) return "dtype " + pb::str(obj.attr("dtype")).cast<std::string>();
  return std::string("format '") + (format ? format : "B") + "'";
}

bool is_byte_format(const char* f) {
  if (!f) return true;  // no format means unsigned bytes
  if (*f == '@' || *f == '=' || *f == '<' || *f == '>' || *f == '!' || *f == '|') ++f;
  return std::strcmp(f, "B") == 0;
}

}  // namespace

Status make_source(pb::handle obj, ChannelOrder order, Source* out) {
  Source s;
  PyObject* o = obj.ptr();
  if (PyBytes_Check(o)) {
    s.kind_ = Source::Kind::kEncoded;
    s.data_ = reinterpret_cast<const uint8_t*>(PyBytes_AS_STRING(o));
    s.size_ = static_cast<size_t>(PyBytes_GET_SIZE(o));
    Py_INCREF(o);
    s.keep_ = o;
    *out = std::move(s);
    return Status::Ok();
  }
  if (PyUnicode_Check(o) || PyObject_HasAttrString(o, "__fspath__")) {
    PyObject* fs = PyOS_FSPath(o);
    if (!fs) {
      PyErr_Clear();
      return invalid("cannot use " + type_name(obj) + " as a path");
    }
    pb::object path = pb::reinterpret_steal<pb::object>(fs);
    PyObject* encoded = nullptr;
    if (!PyUnicode_FSConverter(path.ptr(), &encoded)) {
      PyErr_Clear();
      return invalid("path cannot be encoded for the file system");
    }
    pb::object owner = pb::reinterpret_steal<pb::object>(encoded);  // released on return
    s.kind_ = Source::Kind::kPath;
    s.path_.assign(PyBytes_AS_STRING(encoded), static_cast<size_t>(PyBytes_GET_SIZE(encoded)));
    *out = std::move(s);
    return Status::Ok();
  }
  if (!PyObject_CheckBuffer(o))
    return invalid("expected bytes, a path or a uint8 pixel array, got " + type_name(obj));
  auto buf = std::make_unique<Py_buffer>();
  if (PyObject_GetBuffer(o, buf.get(), PyBUF_STRIDED_RO | PyBUF_FORMAT) != 0) {
    PyErr_Clear();
    return invalid("cannot read the buffer of " + type_name(obj));
  }
  if (buf->ndim <= 1) {  // encoded bytes: bytearray, memoryview, a 1-D uint8 array
    std::unique_ptr<Py_buffer> held(buf.release());
    Status st;
    if (held->itemsize != 1)
      st = invalid("encoded image bytes must be a byte buffer, got " + describe_format(obj, held->format));
    else if (!PyBuffer_IsContiguous(held.get(), 'C'))
      st = invalid("encoded image bytes must be contiguous");
    if (!st.ok()) {
      PyBuffer_Release(held.get());
      return st;
    }
    s.kind_ = Source::Kind::kEncoded;
    s.data_ = static_cast<const uint8_t*>(held->buf);
    s.size_ = static_cast<size_t>(held->len);
    s.buffer_ = std::move(held);
    *out = std::move(s);
    return Status::Ok();
  }
  const Py_buffer& b = *buf;
  Status st;
  const Py_ssize_t h = b.shape[0], w = b.shape[1], c = b.ndim == 3 ? b.shape[2] : 1;
  if (!is_byte_format(b.format))
    st = invalid("pixels must be uint8, got " + describe_format(obj, b.format));
  else if (b.ndim != 2 && b.ndim != 3)
    st = invalid("pixels must be HxW (gray), HxWx3 (RGB) or HxWx4 (RGBA); got " + std::to_string(b.ndim) +
                 " dimensions");
  else if (c != 1 && c != 3 && c != 4)
    st = invalid("pixels must have 1, 3 or 4 channels (HxW, HxWx3 or HxWx4); got " + std::to_string(c));
  else if (h <= 0 || w <= 0)
    st = invalid("pixels must not be empty");
  else if (h > (1 << 30) || w > (1 << 30))
    st = Status(StatusCode::kImageTooLarge, "pixel array too large");
  if (!st.ok()) {
    PyBuffer_Release(buf.get());
    return st;
  }
  s.kind_ = Source::Kind::kPixels;
  s.s0_ = b.strides[0];
  s.s1_ = b.strides[1];
  s.s2_ = b.ndim == 3 ? b.strides[2] : 1;
  s.channels_ = static_cast<int>(c);
  s.base_ = static_cast<const uint8_t*>(b.buf);
  s.view_.width = static_cast<int>(w);
  s.view_.height = static_cast<int>(h);
  const bool rgb = order == ChannelOrder::kRgb;
  s.view_.format = c == 1   ? PixelFormat::kGray8
                   : c == 3 ? (rgb ? PixelFormat::kRGB8 : PixelFormat::kBGR8)
                            : (rgb ? PixelFormat::kRGBA8 : PixelFormat::kBGRA8);
  // Rows of packed pixels are read in place at any row pitch; anything else is packed first.
  const bool packed = s.s1_ == c && (c == 1 || s.s2_ == 1) && s.s0_ > 0 && s.s0_ >= w * c;
  s.needs_packing_ = !packed;
  if (packed) {
    s.view_.data = s.base_;
    s.view_.stride = static_cast<size_t>(s.s0_);
  }
  s.buffer_ = std::move(buf);
  *out = std::move(s);
  return Status::Ok();
}

}  // namespace hashsieve::py
