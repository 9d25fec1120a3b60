#include "engine/image_header.h"

#include <cstring>
#include <optional>
#include <string>
#include <utility>

namespace hashsieve {
namespace {

// A bounds-checked view of the upload. Every accessor is only called after has() succeeded.
class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  // True when [pos, pos + n) lies inside the buffer; written so that it cannot overflow.
  bool has(size_t pos, size_t n) const { return pos <= size_ && size_ - pos >= n; }
  bool has64(uint64_t pos, uint64_t n) const { return pos <= size_ && size_ - pos >= n; }
  uint8_t u8(size_t pos) const { return data_[pos]; }
  uint16_t be16(size_t pos) const { return static_cast<uint16_t>(data_[pos] << 8 | data_[pos + 1]); }
  uint16_t le16(size_t pos) const { return static_cast<uint16_t>(data_[pos + 1] << 8 | data_[pos]); }
  uint32_t be32(size_t pos) const { return uint32_t{be16(pos)} << 16 | be16(pos + 2); }
  uint32_t le32(size_t pos) const { return uint32_t{le16(pos + 2)} << 16 | le16(pos); }
  uint32_t le24(size_t pos) const { return uint32_t{data_[pos + 2]} << 16 | le16(pos); }
  // Compares against a string literal, embedded NULs included (the terminator is not compared).
  template <size_t N>
  bool starts_with(size_t pos, const char (&magic)[N]) const {
    return has(pos, N - 1) && std::memcmp(data_ + pos, magic, N - 1) == 0;
  }

 private:
  const uint8_t* data_;
  size_t size_;
};

Status fail(std::string message) { return Status(StatusCode::kDecodeFailed, std::move(message)); }

const char* display_name(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg: return "JPEG";
    case ImageFormat::kPng: return "PNG";
    case ImageFormat::kBmp: return "BMP";
    case ImageFormat::kWebp: return "WebP";
    case ImageFormat::kTiff: return "TIFF";
    case ImageFormat::kPnm: return "PNM";
    case ImageFormat::kUnknown: break;
  }
  return "image";
}

Result<ImageHeader> make_header(ImageFormat format, uint64_t width, uint64_t height) {
  const std::string name = display_name(format);
  if (width == 0 || height == 0) return fail(name + " header declares a zero width or height");
  if (width > UINT32_MAX || height > UINT32_MAX) return fail(name + " dimensions out of range");
  return ImageHeader{format, static_cast<uint32_t>(width), static_cast<uint32_t>(height)};
}

// --- JPEG -------------------------------------------------------------------------------------
// Walks the marker segments after SOI the way libjpeg does (bytes before a marker's 0xFF are
// skipped, as are fill bytes and stuffed zeros): the first start-of-frame gives the dimensions,
// and the walk goes on to the first scan for the markers libjpeg infers the colour space from.

bool is_jpeg_sof(uint8_t m) {
  return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

// libjpeg's rule (jdapimin.c, default_decompress_parms): what the frame's components are.
struct JpegColorClues {
  int components = 0;
  uint8_t ids[3] = {0, 0, 0};
  bool jfif = false, adobe = false;
  uint8_t adobe_transform = 0;

  JpegColor color() const {
    switch (components) {
      case 1: return JpegColor::kYccOrGray;
      case 3:
        if (jfif) return JpegColor::kYccOrGray;
        if (adobe) return adobe_transform == 0 ? JpegColor::kOther : JpegColor::kYccOrGray;
        if (ids[0] == 82 && ids[1] == 71 && ids[2] == 66) return JpegColor::kOther;  // 'R' 'G' 'B'
        return JpegColor::kYccOrGray;
      default: return JpegColor::kOther;  // CMYK / YCCK (4), or what libjpeg calls unknown
    }
  }
};

// APP0 "JFIF\0" with at least 14 data bytes, APP14 "Adobe" with at least 12 (libjpeg's minimums).
void read_app_clue(const Bytes& b, uint8_t marker, size_t pos, uint16_t length, JpegColorClues& clues) {
  const size_t data = pos + 2, data_len = length - 2u;
  if (marker == 0xE0 && data_len >= 14 && b.has(data, 5) && b.starts_with(data, "JFIF\0")) clues.jfif = true;
  if (marker == 0xEE && data_len >= 12 && b.has(data, 12) && b.starts_with(data, "Adobe")) {
    clues.adobe = true;
    clues.adobe_transform = b.u8(data + 11);
  }
}

Result<ImageHeader> sniff_jpeg(const Bytes& b) {
  size_t pos = 2;  // after SOI
  std::optional<ImageHeader> frame;
  JpegColorClues clues;
  auto with_color = [&](JpegColor c) {
    frame->jpeg_color = c;
    return *frame;
  };
  for (;;) {
    while (b.has(pos, 1) && b.u8(pos) != 0xFF) ++pos;  // extraneous bytes
    while (b.has(pos, 1) && b.u8(pos) == 0xFF) ++pos;  // the marker's 0xFF and fill bytes
    if (!b.has(pos, 1)) {
      if (frame) return with_color(JpegColor::kUndecided);
      return fail("truncated JPEG header");
    }
    uint8_t marker = b.u8(pos++);
    if (marker == 0x00) continue;                                    // stuffed zero, not a marker
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;  // TEM, RSTn: no length
    if (frame && (marker == 0xD8 || marker == 0xD9)) return with_color(JpegColor::kUndecided);
    if (marker == 0xD8) return fail("malformed JPEG header: repeated SOI marker");
    if (marker == 0xD9) return fail("malformed JPEG header: EOI before any frame header");
    if (!b.has(pos, 2)) {
      if (frame) return with_color(JpegColor::kUndecided);
      return fail("truncated JPEG header");
    }
    uint16_t length = b.be16(pos);
    if (length < 2) {
      if (frame) return with_color(JpegColor::kUndecided);
      return fail("malformed JPEG header: segment length below 2");
    }
    if (marker == 0xDA) {
      if (frame) return with_color(clues.color());
      return fail("malformed JPEG header: scan data before any frame header");
    }
    if (is_jpeg_sof(marker) && !frame) {
      // length(2) precision(1) height(2) width(2) components(1), then 3 bytes per component
      if (length < 8) return fail("malformed JPEG header: frame header too short");
      if (!b.has(pos, 8)) return fail("truncated JPEG header");
      uint16_t height = b.be16(pos + 3);
      uint16_t width = b.be16(pos + 5);
      if (height == 0) return fail("unsupported JPEG: height defined by a DNL marker");
      auto header = make_header(ImageFormat::kJpeg, width, height);
      if (!header.ok()) return header;
      frame = *header;
      clues.components = b.u8(pos + 7);
      for (int i = 0; i < 3 && i < clues.components; ++i)
        if (b.has(pos + 8 + size_t(i) * 3, 1)) clues.ids[i] = b.u8(pos + 8 + size_t(i) * 3);
    } else {
      read_app_clue(b, marker, pos, length, clues);
    }
    pos += length;  // APPn, COM, DQT, DHT, DRI, ...: skip the whole segment
  }
}

// --- PNG --------------------------------------------------------------------------------------

Result<ImageHeader> sniff_png(const Bytes& b) {
  // signature(8) | length(4) "IHDR"(4) width(4) height(4) ...
  if (!b.has(8, 8)) return fail("truncated PNG header");
  if (!b.starts_with(12, "IHDR")) return fail("PNG IHDR missing: it must be the first chunk");
  if (b.be32(8) != 13) return fail("malformed PNG header: IHDR length is not 13");
  if (!b.has(16, 8)) return fail("truncated PNG header");
  uint32_t width = b.be32(16), height = b.be32(20);
  if (width > 0x7FFFFFFFu || height > 0x7FFFFFFFu) return fail("PNG dimensions out of range");
  return make_header(ImageFormat::kPng, width, height);
}

// --- BMP --------------------------------------------------------------------------------------

Result<ImageHeader> sniff_bmp(const Bytes& b) {
  // file header(14) | DIB header size(4) ...
  if (!b.has(14, 4)) return fail("truncated BMP header");
  uint32_t dib_size = b.le32(14);
  if (dib_size == 12) {  // BITMAPCOREHEADER: unsigned 16-bit width and height
    if (!b.has(18, 4)) return fail("truncated BMP header");
    return make_header(ImageFormat::kBmp, b.le16(18), b.le16(20));
  }
  // BITMAPINFOHEADER (40) and its extensions (OS/2 2.x 16..64, V2 52, V3 56, V4 108, V5 124)
  // all start with signed 32-bit width and height.
  if (dib_size < 16 || dib_size > 124) return fail("unsupported BMP header size");
  if (!b.has(18, 8)) return fail("truncated BMP header");
  int32_t width = static_cast<int32_t>(b.le32(18));
  int64_t height = static_cast<int32_t>(b.le32(22));
  if (width < 0) return fail("malformed BMP header: negative width");
  if (height < 0) height = -height;  // top-down bitmap; int64 so INT32_MIN is safe
  return make_header(ImageFormat::kBmp, static_cast<uint64_t>(width),
                     static_cast<uint64_t>(height));
}

// --- WebP -------------------------------------------------------------------------------------

Result<ImageHeader> sniff_webp(const Bytes& b) {
  // "RIFF" size(4) "WEBP" | fourcc(4) chunk size(4) | payload at 20
  if (!b.has(12, 8)) return fail("truncated WebP header");
  if (b.starts_with(12, "VP8 ")) {
    // frame tag(3) | start code 9d 01 2a | width(2) height(2), low 14 bits each
    if (!b.has(20, 10)) return fail("truncated WebP header");
    if (b.u8(20) & 1) return fail("malformed WebP header: VP8 frame is not a key frame");
    if (b.u8(23) != 0x9D || b.u8(24) != 0x01 || b.u8(25) != 0x2A)
      return fail("malformed WebP header: bad VP8 start code");
    return make_header(ImageFormat::kWebp, b.le16(26) & 0x3FFF, b.le16(28) & 0x3FFF);
  }
  if (b.starts_with(12, "VP8L")) {
    // signature 0x2f | 14 bits width-1, 14 bits height-1, 1 bit alpha, 3 bits version
    if (!b.has(20, 5)) return fail("truncated WebP header");
    if (b.u8(20) != 0x2F) return fail("malformed WebP header: bad VP8L signature");
    uint32_t bits = b.le32(21);
    if (bits >> 29 != 0) return fail("unsupported WebP: unknown VP8L version");
    return make_header(ImageFormat::kWebp, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
  }
  if (b.starts_with(12, "VP8X")) {
    // flags(4) | canvas width-1 (24 bits) | canvas height-1 (24 bits)
    if (!b.has(20, 10)) return fail("truncated WebP header");
    return make_header(ImageFormat::kWebp, uint64_t{b.le24(24)} + 1, uint64_t{b.le24(27)} + 1);
  }
  return fail("unsupported WebP: first chunk is not VP8, VP8L or VP8X");
}

// --- TIFF -------------------------------------------------------------------------------------

Result<ImageHeader> sniff_tiff(const Bytes& b) {
  const bool big = b.u8(0) == 'M';
  auto u16 = [&](size_t pos) { return big ? b.be16(pos) : b.le16(pos); };
  auto u32 = [&](size_t pos) { return big ? b.be32(pos) : b.le32(pos); };
  if (!b.has(4, 4)) return fail("truncated TIFF header");
  const uint64_t ifd = u32(4);
  if (ifd < 8) return fail("malformed TIFF header: bad first IFD offset");
  if (!b.has64(ifd, 2)) return fail("truncated TIFF header: first IFD outside the file");
  const uint32_t entries = u16(static_cast<size_t>(ifd));
  uint64_t dims[2] = {0, 0};  // ImageWidth, ImageLength
  bool found[2] = {false, false};
  for (uint32_t i = 0; i < entries && !(found[0] && found[1]); ++i) {
    // tag(2) type(2) count(4) value or offset(4)
    const uint64_t entry = ifd + 2 + uint64_t{12} * i;
    if (!b.has64(entry, 12)) return fail("truncated TIFF header: IFD entry outside the file");
    const size_t e = static_cast<size_t>(entry);
    const uint16_t tag = u16(e);
    if (tag != 256 && tag != 257) continue;
    const uint16_t type = u16(e + 2);
    if (u32(e + 4) != 1) return fail("malformed TIFF header: dimension tag count is not 1");
    const int k = tag - 256;
    if (type == 3) {
      dims[k] = u16(e + 8);  // SHORT: left-justified in the value field
    } else if (type == 4) {
      dims[k] = u32(e + 8);
    } else {
      return fail("malformed TIFF header: dimension tag is neither SHORT nor LONG");
    }
    found[k] = true;
  }
  if (!found[0]) return fail("TIFF ImageWidth tag missing from the first IFD");
  if (!found[1]) return fail("TIFF ImageLength tag missing from the first IFD");
  return make_header(ImageFormat::kTiff, dims[0], dims[1]);
}

// --- PNM --------------------------------------------------------------------------------------

bool is_pnm_space(uint8_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Reads one ASCII decimal after whitespace and '#' comments. The number must be followed by a
// delimiter inside the buffer, otherwise a truncated "640" could really be "6400".
Status read_pnm_number(const Bytes& b, size_t& pos, uint64_t& value) {
  for (;;) {
    if (!b.has(pos, 1)) return fail("truncated PNM header");
    uint8_t c = b.u8(pos);
    if (is_pnm_space(c)) {
      ++pos;
    } else if (c == '#') {
      while (b.has(pos, 1) && b.u8(pos) != '\n' && b.u8(pos) != '\r') ++pos;
    } else {
      break;
    }
  }
  if (b.u8(pos) < '0' || b.u8(pos) > '9') return fail("malformed PNM header: expected a number");
  value = 0;
  for (; b.has(pos, 1) && b.u8(pos) >= '0' && b.u8(pos) <= '9'; ++pos) {
    value = value * 10 + (b.u8(pos) - '0');
    if (value > UINT32_MAX) return fail("malformed PNM header: dimension too large");
  }
  if (!b.has(pos, 1)) return fail("truncated PNM header");
  if (!is_pnm_space(b.u8(pos)) && b.u8(pos) != '#')
    return fail("malformed PNM header: garbage after a number");
  // OpenCV's reader consumes the one character that ends a number, even a '#': "12# 9" is 12
  // then 9, not 12 and a comment. Read it the same way, or the size checked before decoding
  // would not be the size OpenCV allocates (a fuzzer finding).
  ++pos;
  return Status::Ok();
}

Result<ImageHeader> sniff_pnm(const Bytes& b) {
  size_t pos = 2;  // after "Pn"
  uint64_t width = 0, height = 0;
  if (Status s = read_pnm_number(b, pos, width); !s.ok()) return s;
  if (Status s = read_pnm_number(b, pos, height); !s.ok()) return s;
  return make_header(ImageFormat::kPnm, width, height);
}

}  // namespace

const char* image_format_name(ImageFormat format) noexcept {
  switch (format) {
    case ImageFormat::kJpeg: return "jpeg";
    case ImageFormat::kPng: return "png";
    case ImageFormat::kBmp: return "bmp";
    case ImageFormat::kWebp: return "webp";
    case ImageFormat::kTiff: return "tiff";
    case ImageFormat::kPnm: return "pnm";
    case ImageFormat::kUnknown: return "unknown";
  }
  return "unknown";
}

Result<ImageHeader> sniff_image_header(const uint8_t* data, size_t size) {
  if (data == nullptr && size != 0) {
    return Status(StatusCode::kInvalidArgument, "image data is null but its size is not zero");
  }
  const Bytes b(data, size);
  if (b.starts_with(0, "\xFF\xD8\xFF")) return sniff_jpeg(b);
  if (b.starts_with(0, "\x89PNG\r\n\x1A\n")) return sniff_png(b);
  if (b.starts_with(0, "BM")) return sniff_bmp(b);
  if (b.starts_with(0, "RIFF") && b.starts_with(8, "WEBP")) return sniff_webp(b);
  if (b.starts_with(0, "II*\0") || b.starts_with(0, "MM\0*")) return sniff_tiff(b);
  if (b.has(0, 3) && b.u8(0) == 'P' && b.u8(1) >= '1' && b.u8(1) <= '6' && is_pnm_space(b.u8(2)))
    return sniff_pnm(b);
  return fail("unrecognised image format");
}

}  // namespace hashsieve
