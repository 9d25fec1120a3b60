// What a Python caller may pass as an image: encoded bytes (any contiguous bytes-like object), a
// path (str / os.PathLike), or decoded pixels (a uint8 array of HxW, HxWx1, HxWx3 or HxWx4 with
// any strides, read through the buffer protocol: numpy arrays without copying when each row is
// packed pixels, copied into a packed buffer otherwise).
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hashsieve/image.h"
#include "hashsieve/status.h"

namespace hashsieve::py {

namespace pb = pybind11;

enum class ChannelOrder { kRgb, kBgr };

// One image argument. Built with the GIL held (make_source); prepare() and the accessors need no
// GIL; destroyed with the GIL held (it may release a buffer export).
class Source {
 public:
  enum class Kind { kEncoded, kPath, kPixels };

  Source() = default;
  Source(Source&&) noexcept;
  Source& operator=(Source&&) noexcept;
  ~Source();

  Kind kind() const noexcept { return kind_; }
  // Reads a path, or packs strided pixels; no GIL needed. max_bytes bounds a file read.
  Status prepare(size_t max_bytes);
  // Encoded bytes (after prepare() for a path).
  const uint8_t* data() const noexcept { return data_; }
  size_t size() const noexcept { return size_; }
  const std::string& path() const noexcept { return path_; }
  // Pixels (after prepare()).
  const ImageView& pixels() const noexcept { return view_; }
  // Pixels whose rows are read where they are (no packing copy).
  bool pixels_in_place() const noexcept { return kind_ == Kind::kPixels && !needs_packing_; }

 private:
  friend Status make_source(pb::handle obj, ChannelOrder order, Source* out);
  void release() noexcept;  // drops the buffer export and reference (GIL held)
  Kind kind_ = Kind::kEncoded;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  std::string path_;
  ImageView view_;
  // Strided pixels still to pack: element (y, x, c) is at base_ + y*s0 + x*s1 + c*s2.
  bool needs_packing_ = false;
  const uint8_t* base_ = nullptr;
  ptrdiff_t s0_ = 0, s1_ = 0, s2_ = 0;
  int channels_ = 0;
  std::vector<uint8_t> owned_;  // file contents or packed pixels
  std::unique_ptr<Py_buffer> buffer_;  // a held buffer export
  PyObject* keep_ = nullptr;           // a held reference (bytes)
};

// Classifies and checks a Python object. A wrong type, dtype or shape is kInvalidArgument with the
// reason. GIL held.
Status make_source(pb::handle obj, ChannelOrder order, Source* out);

Result<ChannelOrder> parse_channel_order(const std::string& name);

// Reads a whole file; larger than max_bytes is kImageTooLarge, a missing file kIoError.
Status read_file(const std::string& path, size_t max_bytes, std::vector<uint8_t>* out);

}  // namespace hashsieve::py
