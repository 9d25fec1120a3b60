#include "engine/image_header.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

namespace hashsieve {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

const fs::path kVectors = fs::path(HASHSIEVE_TEST_DATA) / "pdq-vectors";

Bytes read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Result<ImageHeader> sniff(const Bytes& bytes) { return sniff_image_header(bytes.data(), bytes.size()); }

struct Dims {
  uint32_t width;
  uint32_t height;
};

// file -> decoded width/height from expected.csv (columns file,sha256,width,height,...).
std::map<std::string, Dims> load_expected_dims() {
  std::ifstream in(kVectors / "expected.csv");
  std::map<std::string, Dims> dims;
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line.rfind("file,sha256,width,height,", 0), 0u) << "unexpected csv header: " << line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> cols;
    std::stringstream row(line);
    for (std::string col; cols.size() < 4 && std::getline(row, col, ',');) cols.push_back(col);
    EXPECT_EQ(cols.size(), 4u) << line;
    if (cols.size() < 4) continue;
    dims[cols[0]] = Dims{static_cast<uint32_t>(std::stoul(cols[2])),
                         static_cast<uint32_t>(std::stoul(cols[3]))};
  }
  return dims;
}

struct Sample {
  std::string name;
  Bytes bytes;
};

const std::vector<Sample>& samples() {
  static const std::vector<Sample> all = [] {
    std::vector<Sample> v;
    for (const auto& entry : fs::directory_iterator(kVectors / "images")) {
      if (entry.is_regular_file()) {
        v.push_back({entry.path().filename().string(), read_file(entry.path())});
      }
    }
    std::sort(v.begin(), v.end(), [](const Sample& a, const Sample& b) { return a.name < b.name; });
    return v;
  }();
  return all;
}

ImageFormat format_from_extension(const std::string& name) {
  const std::string ext = fs::path(name).extension().string();
  if (ext == ".jpg" || ext == ".jpeg") return ImageFormat::kJpeg;
  if (ext == ".png") return ImageFormat::kPng;
  if (ext == ".bmp") return ImageFormat::kBmp;
  if (ext == ".webp") return ImageFormat::kWebp;
  if (ext == ".tif" || ext == ".tiff") return ImageFormat::kTiff;
  if (ext == ".pbm" || ext == ".pgm" || ext == ".ppm" || ext == ".pnm") return ImageFormat::kPnm;
  return ImageFormat::kUnknown;
}

void expect_dims(const Result<ImageHeader>& r, ImageFormat format, uint32_t w, uint32_t h,
                 const std::string& what = "") {
  ASSERT_TRUE(r.ok()) << what << ": " << r.status().to_string();
  EXPECT_EQ(r->format, format) << what;
  EXPECT_EQ(r->width, w) << what;
  EXPECT_EQ(r->height, h) << what;
}

void expect_decode_error(const Result<ImageHeader>& r, const std::string& message_part,
                         const std::string& what = "") {
  ASSERT_FALSE(r.ok()) << what << ": sniffed " << r->width << "x" << r->height;
  EXPECT_EQ(r.status().code(), StatusCode::kDecodeFailed) << what;
  EXPECT_NE(r.status().message().find(message_part), std::string::npos)
      << what << ": message was '" << r.status().message() << "'";
}

// --- byte builders ----------------------------------------------------------------------------

void put_be16(Bytes& b, uint32_t v) { b.insert(b.end(), {uint8_t(v >> 8), uint8_t(v)}); }
void put_be32(Bytes& b, uint32_t v) {
  put_be16(b, v >> 16);
  put_be16(b, v & 0xFFFF);
}
void put_le16(Bytes& b, uint32_t v) { b.insert(b.end(), {uint8_t(v), uint8_t(v >> 8)}); }
void put_le32(Bytes& b, uint32_t v) {
  put_le16(b, v & 0xFFFF);
  put_le16(b, v >> 16);
}
void put_str(Bytes& b, const std::string& s) { b.insert(b.end(), s.begin(), s.end()); }

Bytes png_header(uint32_t width, uint32_t height, const char* chunk = "IHDR", uint32_t len = 13) {
  Bytes b = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  put_be32(b, len);
  put_str(b, chunk);
  put_be32(b, width);
  put_be32(b, height);
  b.insert(b.end(), {8, 2, 0, 0, 0});  // depth, colour type, compression, filter, interlace
  put_be32(b, 0);                       // CRC (not checked by the sniffer)
  return b;
}

// SOI, an APP0 segment, a COM segment, then a SOFn with the given dimensions.
Bytes jpeg_header(uint16_t width, uint16_t height, uint8_t sof = 0xC0) {
  Bytes b = {0xFF, 0xD8, 0xFF, 0xE0};
  put_be16(b, 16);
  put_str(b, std::string("JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 14));
  b.insert(b.end(), {0xFF, 0xFE});
  put_be16(b, 2 + 5);
  put_str(b, "hello");
  b.insert(b.end(), {0xFF, sof});
  put_be16(b, 8 + 3);
  b.push_back(8);
  put_be16(b, height);
  put_be16(b, width);
  b.insert(b.end(), {1, 1, 0x11, 0});
  return b;
}

Bytes bmp_info_header(int32_t width, int32_t height, uint32_t dib_size = 40) {
  Bytes b = {'B', 'M'};
  put_le32(b, 14 + dib_size);
  put_le32(b, 0);
  put_le32(b, 14 + dib_size);
  put_le32(b, dib_size);
  put_le32(b, static_cast<uint32_t>(width));
  put_le32(b, static_cast<uint32_t>(height));
  b.resize(14 + dib_size, 0);
  return b;
}

Bytes riff_webp(const char* fourcc, const Bytes& payload) {
  Bytes b;
  put_str(b, "RIFF");
  put_le32(b, static_cast<uint32_t>(4 + 8 + payload.size()));
  put_str(b, "WEBP");
  put_str(b, fourcc);
  put_le32(b, static_cast<uint32_t>(payload.size()));
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

struct TiffEntry {
  uint16_t tag, type;
  uint32_t count, value;
};

Bytes tiff(bool big_endian, const std::vector<TiffEntry>& entries, uint32_t ifd_offset = 8) {
  auto u16 = [&](Bytes& b, uint32_t v) { big_endian ? put_be16(b, v) : put_le16(b, v); };
  auto u32 = [&](Bytes& b, uint32_t v) { big_endian ? put_be32(b, v) : put_le32(b, v); };
  Bytes b;
  put_str(b, big_endian ? std::string("MM\0*", 4) : std::string("II*\0", 4));
  u32(b, ifd_offset);
  u16(b, static_cast<uint32_t>(entries.size()));
  for (const TiffEntry& e : entries) {
    u16(b, e.tag);
    u16(b, e.type);
    u32(b, e.count);
    if (e.type == 3) {  // SHORT: left-justified in the 4-byte value field
      u16(b, e.value);
      u16(b, 0);
    } else {
      u32(b, e.value);
    }
  }
  u32(b, 0);  // next IFD
  return b;
}

// Bytes of a string literal, embedded NULs included (the terminator is not).
template <size_t N>
Bytes text(const char (&s)[N]) {
  return Bytes(s, s + N - 1);
}

// --- the sample images ------------------------------------------------------------------------

TEST(ImageHeader, SampleImagesMatchExpectedCsvDims) {
  const auto expected = load_expected_dims();
  ASSERT_EQ(samples().size(), 166u);
  ASSERT_EQ(expected.size(), samples().size());
  for (const Sample& s : samples()) {
    auto it = expected.find(s.name);
    ASSERT_NE(it, expected.end()) << s.name << " has no row in expected.csv";
    // The csv holds OpenCV's decoded size with EXIF orientation ignored, i.e. the stored size.
    expect_dims(sniff(s.bytes), format_from_extension(s.name), it->second.width, it->second.height,
                s.name);
  }
}

TEST(ImageHeader, ExifOrientationIsNotApplied) {
  // Orientation 6 means "rotate 90 degrees" on display; the stored (and sniffed) size is 320x240.
  expect_dims(sniff(read_file(kVectors / "images" / "mode-exif-orient6.jpg")), ImageFormat::kJpeg,
              320, 240);
}

TEST(ImageHeader, TruncatedSamplesErrorOrReportTheRightDims) {
  const auto expected = load_expected_dims();
  for (const Sample& s : samples()) {
    const Dims d = expected.at(s.name);
    const size_t limit = std::min<size_t>(s.bytes.size(), 300);
    for (size_t n = 0; n <= limit; ++n) {
      // A fresh heap copy of exactly n bytes, so a sanitizer sees any read past the end.
      Bytes prefix(s.bytes.begin(), s.bytes.begin() + static_cast<std::ptrdiff_t>(n));
      auto r = sniff(prefix);
      if (r.ok()) {
        ASSERT_EQ(r->width, d.width) << s.name << " prefix " << n;
        ASSERT_EQ(r->height, d.height) << s.name << " prefix " << n;
      } else {
        ASSERT_EQ(r.status().code(), StatusCode::kDecodeFailed) << s.name << " prefix " << n;
        ASSERT_FALSE(r.status().message().empty());
      }
    }
  }
}

TEST(ImageHeader, FormatComesFromBytesNotFileName) {
  // A PNG saved as .jpg and a JPEG saved as .png, as an uploader might.
  const fs::path dir = fs::temp_directory_path() / ("hashsieve-sniff-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::copy_file(kVectors / "images" / "mode-rgb.png", dir / "upload.jpg",
                fs::copy_options::overwrite_existing);
  fs::copy_file(kVectors / "images" / "mode-gray.jpg", dir / "upload.png",
                fs::copy_options::overwrite_existing);
  expect_dims(sniff(read_file(dir / "upload.jpg")), ImageFormat::kPng, 320, 240);
  expect_dims(sniff(read_file(dir / "upload.png")), ImageFormat::kJpeg, 320, 240);
  fs::remove_all(dir);
}

// --- JPEG -------------------------------------------------------------------------------------

TEST(ImageHeader, JpegDeclaringHugeDimsSniffsFine) {
  expect_dims(sniff(jpeg_header(65535, 65535)), ImageFormat::kJpeg, 65535, 65535);
}

TEST(ImageHeader, JpegAcceptsEverySofVariant) {
  for (uint8_t m : {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}) {
    expect_dims(sniff(jpeg_header(640, 480, m)), ImageFormat::kJpeg, 640, 480, std::to_string(m));
  }
}

TEST(ImageHeader, JpegSkipsDhtDacAndJpgSegmentsThatLookLikeSof) {
  // C4 (DHT), C8 (JPG) and CC (DAC) sit in the SOF range but are ordinary segments.
  for (uint8_t m : {0xC4, 0xC8, 0xCC}) {
    Bytes b = {0xFF, 0xD8, 0xFF, m};
    put_be16(b, 7);
    b.insert(b.end(), {0x00, 0x10, 0x00, 0x10, 0x00});  // would read as 16x16 if taken as SOF
    Bytes rest = jpeg_header(33, 44);
    b.insert(b.end(), rest.begin() + 2, rest.end());
    expect_dims(sniff(b), ImageFormat::kJpeg, 33, 44, std::to_string(m));
  }
}

TEST(ImageHeader, JpegHandlesFillBytesAndStandaloneMarkers) {
  Bytes b = {0xFF, 0xD8, 0xFF, 0xFF, 0xFF, 0x01,  // fill bytes, TEM
             0xFF, 0xD0, 0xFF, 0xD7,              // RST0, RST7
             0xFF, 0xFF, 0xDB};                   // fill, DQT
  put_be16(b, 2 + 65);
  b.insert(b.end(), 65, 0xFF);  // DQT payload full of 0xFF must be skipped by length
  b.insert(b.end(), {0xFF, 0xFF, 0xFF, 0xC2});
  put_be16(b, 11);
  b.push_back(8);
  put_be16(b, 77);
  put_be16(b, 99);
  b.insert(b.end(), {1, 1, 0x11, 0});
  expect_dims(sniff(b), ImageFormat::kJpeg, 99, 77);
}

TEST(ImageHeader, JpegSkipsExtraneousBytesBeforeAMarkerLikeLibjpeg) {
  // libjpeg warns about and skips junk between segments, so the sniffer must too: otherwise its
  // answer could differ from the frame the decoder ends up using.
  Bytes b = {0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x03, 'x',  // SOI, COM
             0x12, 0x34, 0xFF, 0x00, 0x56};              // junk, including a stuffed FF 00
  Bytes rest = jpeg_header(12, 34);
  b.insert(b.end(), rest.begin() + 2, rest.end());
  expect_dims(sniff(b), ImageFormat::kJpeg, 12, 34);
}

TEST(ImageHeader, JpegErrors) {
  expect_decode_error(sniff(jpeg_header(640, 0)), "DNL");
  expect_decode_error(sniff(jpeg_header(0, 480)), "zero width or height");
  expect_decode_error(sniff(Bytes{0xFF, 0xD8, 0xFF, 0xD9}), "EOI");
  expect_decode_error(sniff(Bytes{0xFF, 0xD8, 0xFF, 0xD8}), "SOI");
  expect_decode_error(sniff(Bytes{0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x08, 1, 2, 3, 4, 5, 6}), "scan");
  expect_decode_error(sniff(Bytes{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01}), "segment length");
  expect_decode_error(sniff(Bytes{0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x05, 8, 0, 1, 0, 1}),
                      "frame header too short");
  expect_decode_error(sniff(Bytes{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 0}), "truncated JPEG header");
  Bytes huge_segment = {0xFF, 0xD8, 0xFF, 0xE2, 0xFF, 0xFF};  // length points far past the end
  huge_segment.resize(1000, 0);
  expect_decode_error(sniff(huge_segment), "truncated JPEG header");
}

// --- PNG --------------------------------------------------------------------------------------

TEST(ImageHeader, PngDeclaringHugeDimsSniffsFine) {
  expect_dims(sniff(png_header(65535, 65535)), ImageFormat::kPng, 65535, 65535);
  expect_dims(sniff(png_header(0x7FFFFFFF, 1)), ImageFormat::kPng, 0x7FFFFFFFu, 1);
}

TEST(ImageHeader, PngErrors) {
  expect_decode_error(sniff(png_header(10, 10, "gAMA")), "PNG IHDR missing");
  expect_decode_error(sniff(png_header(10, 10, "IHDR", 14)), "IHDR length");
  expect_decode_error(sniff(png_header(0, 10)), "zero width or height");
  expect_decode_error(sniff(png_header(10, 0)), "zero width or height");
  expect_decode_error(sniff(png_header(0x80000000u, 10)), "out of range");
  Bytes cut = png_header(10, 10);
  cut.resize(20);
  expect_decode_error(sniff(cut), "truncated PNG header");
}

// --- BMP --------------------------------------------------------------------------------------

TEST(ImageHeader, BmpInfoHeaderVariants) {
  expect_dims(sniff(bmp_info_header(320, 240)), ImageFormat::kBmp, 320, 240);
  expect_dims(sniff(bmp_info_header(320, -240)), ImageFormat::kBmp, 320, 240, "top-down");
  expect_dims(sniff(bmp_info_header(7, 9, 108)), ImageFormat::kBmp, 7, 9, "V4");
  expect_dims(sniff(bmp_info_header(7, -9, 124)), ImageFormat::kBmp, 7, 9, "V5");
  expect_dims(sniff(bmp_info_header(1, INT32_MIN)), ImageFormat::kBmp, 1, 0x80000000u, "INT32_MIN");
}

TEST(ImageHeader, BmpCoreHeader) {
  Bytes b = {'B', 'M'};
  put_le32(b, 26);
  put_le32(b, 0);
  put_le32(b, 26);
  put_le32(b, 12);
  put_le16(b, 65535);
  put_le16(b, 3);
  put_le16(b, 1);
  put_le16(b, 24);
  expect_dims(sniff(b), ImageFormat::kBmp, 65535, 3);
}

TEST(ImageHeader, BmpErrors) {
  expect_decode_error(sniff(bmp_info_header(-320, 240)), "negative width");
  expect_decode_error(sniff(bmp_info_header(0, 240)), "zero width or height");
  expect_decode_error(sniff(bmp_info_header(320, 0)), "zero width or height");
  expect_decode_error(sniff(bmp_info_header(320, 240, 200)), "unsupported BMP header size");
  Bytes cut = bmp_info_header(320, 240);
  cut.resize(24);
  expect_decode_error(sniff(cut), "truncated BMP header");
}

// --- WebP -------------------------------------------------------------------------------------

TEST(ImageHeader, WebpLossy) {
  Bytes vp8 = {0x50, 0x02, 0x00, 0x9D, 0x01, 0x2A};  // key frame tag, start code
  put_le16(vp8, 0xC000 | 16383);                     // top two bits are the scale
  put_le16(vp8, 0x4000 | 5);
  expect_dims(sniff(riff_webp("VP8 ", vp8)), ImageFormat::kWebp, 16383, 5);
  Bytes inter = vp8;
  inter[0] |= 1;
  expect_decode_error(sniff(riff_webp("VP8 ", inter)), "key frame");
  Bytes bad_code = vp8;
  bad_code[4] = 0x02;
  expect_decode_error(sniff(riff_webp("VP8 ", bad_code)), "start code");
}

TEST(ImageHeader, WebpLossless) {
  Bytes vp8l = {0x2F};
  put_le32(vp8l, (16383u << 14) | 16383u);  // both at maximum: 16384 x 16384
  expect_dims(sniff(riff_webp("VP8L", vp8l)), ImageFormat::kWebp, 16384, 16384);
  Bytes small = {0x2F};
  put_le32(small, (239u << 14) | 319u | (1u << 28));  // alpha bit set
  expect_dims(sniff(riff_webp("VP8L", small)), ImageFormat::kWebp, 320, 240);
  Bytes bad_sig = small;
  bad_sig[0] = 0x2E;
  expect_decode_error(sniff(riff_webp("VP8L", bad_sig)), "VP8L signature");
  Bytes bad_version = small;
  bad_version[4] |= 0x20;
  expect_decode_error(sniff(riff_webp("VP8L", bad_version)), "version");
}

TEST(ImageHeader, WebpExtended) {
  Bytes vp8x = {0x10, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  expect_dims(sniff(riff_webp("VP8X", vp8x)), ImageFormat::kWebp, 1u << 24, 1u << 24);
  Bytes small = {0, 0, 0, 0, 0x3F, 0x01, 0x00, 0xEF, 0x00, 0x00};
  expect_dims(sniff(riff_webp("VP8X", small)), ImageFormat::kWebp, 320, 240);
  expect_decode_error(sniff(riff_webp("ALPH", small)), "unsupported WebP");
  Bytes not_webp = riff_webp("VP8X", small);
  not_webp[8] = 'A';  // RIFF....AVI
  expect_decode_error(sniff(not_webp), "unrecognised image format");
}

// --- TIFF -------------------------------------------------------------------------------------

TEST(ImageHeader, TiffBothByteOrdersAndTypes) {
  expect_dims(sniff(tiff(false, {{256, 3, 1, 320}, {257, 3, 1, 240}})), ImageFormat::kTiff, 320, 240);
  expect_dims(sniff(tiff(true, {{256, 3, 1, 320}, {257, 3, 1, 240}})), ImageFormat::kTiff, 320, 240);
  expect_dims(sniff(tiff(true, {{256, 4, 1, 100000}, {257, 3, 1, 7}})), ImageFormat::kTiff, 100000, 7);
  expect_dims(sniff(tiff(false, {{254, 4, 1, 0}, {256, 4, 1, 5}, {257, 4, 1, 0xFFFFFFFF}})),
              ImageFormat::kTiff, 5, 0xFFFFFFFFu);
}

TEST(ImageHeader, TiffErrors) {
  expect_decode_error(sniff(tiff(false, {{256, 3, 1, 320}})), "ImageLength tag missing");
  expect_decode_error(sniff(tiff(false, {{257, 3, 1, 320}})), "ImageWidth tag missing");
  expect_decode_error(sniff(tiff(false, {{256, 2, 1, 320}, {257, 3, 1, 240}})), "SHORT nor LONG");
  expect_decode_error(sniff(tiff(false, {{256, 3, 2, 320}, {257, 3, 1, 240}})), "count");
  expect_decode_error(sniff(tiff(false, {{256, 3, 1, 0}, {257, 3, 1, 240}})), "zero width");
  expect_decode_error(sniff(tiff(true, {{256, 3, 1, 1}}, 0xFFFFFFFF)), "first IFD outside");
  expect_decode_error(sniff(tiff(true, {{256, 3, 1, 1}}, 4)), "IFD offset");
  // An IFD that claims 65535 entries but the file ends after two.
  Bytes many = tiff(false, {{1, 3, 1, 1}, {2, 3, 1, 1}});
  many[8] = many[9] = 0xFF;
  expect_decode_error(sniff(many), "IFD entry outside");
}

// --- PNM --------------------------------------------------------------------------------------

TEST(ImageHeader, PnmAsciiHeaders) {
  expect_dims(sniff(text("P6\n640 480\n255\n")), ImageFormat::kPnm, 640, 480);
  expect_dims(sniff(text("P1\n# made by hand\n# two comments\n  3\t2\n0 1 0\n1 0 1\n")),
              ImageFormat::kPnm, 3, 2);
  // As OpenCV reads it: the '#' that ends a number is its delimiter, not a comment.
  expect_dims(sniff(text("P5\n12# 9\n255\n")), ImageFormat::kPnm, 12, 9);
  expect_decode_error(sniff(text("P5 7#comment right after\n9 255 ")), "expected a number");
  expect_dims(sniff(text("P4\r\n4294967295 1\n")), ImageFormat::kPnm, 4294967295u, 1);
}

TEST(ImageHeader, PnmErrors) {
  expect_decode_error(sniff(text("P6\n640 480")), "truncated PNM header");  // 480 or 4800?
  expect_decode_error(sniff(text("P6\n640")), "truncated PNM header");
  expect_decode_error(sniff(text("P6\n# comment only")), "truncated PNM header");
  expect_decode_error(sniff(text("P3\n4294967296 1\n")), "too large");
  expect_decode_error(sniff(text("P3\n99999999999999999999999 1\n")), "too large");
  expect_decode_error(sniff(text("P2\n640x480\n")), "garbage");
  expect_decode_error(sniff(text("P2\n-640 480\n")), "expected a number");
  expect_decode_error(sniff(text("P6\n0 480\n")), "zero width or height");
  expect_decode_error(sniff(text("P7\nWIDTH 4\n")), "unrecognised image format");
  expect_decode_error(sniff(text("P6x")), "unrecognised image format");
}

// --- everything else --------------------------------------------------------------------------

TEST(ImageHeader, EmptyAndNullInput) {
  expect_decode_error(sniff(Bytes{}), "unrecognised image format");
  expect_decode_error(sniff_image_header(nullptr, 0), "unrecognised image format");
  auto r = sniff_image_header(nullptr, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(ImageHeader, UnknownMagic) {
  expect_decode_error(sniff(text("GIF89a\x01\x00\x01\x00")), "unrecognised image format");
  expect_decode_error(sniff(Bytes(64, 0)), "unrecognised image format");
  expect_decode_error(sniff(Bytes{0xFF, 0xD8}), "unrecognised image format");
}

TEST(ImageHeader, FormatNames) {
  EXPECT_STREQ(image_format_name(ImageFormat::kJpeg), "jpeg");
  EXPECT_STREQ(image_format_name(ImageFormat::kPng), "png");
  EXPECT_STREQ(image_format_name(ImageFormat::kBmp), "bmp");
  EXPECT_STREQ(image_format_name(ImageFormat::kWebp), "webp");
  EXPECT_STREQ(image_format_name(ImageFormat::kTiff), "tiff");
  EXPECT_STREQ(image_format_name(ImageFormat::kPnm), "pnm");
  EXPECT_STREQ(image_format_name(ImageFormat::kUnknown), "unknown");
}

void expect_sane(const Result<ImageHeader>& r, const std::string& what) {
  if (r.ok()) {
    EXPECT_NE(r->format, ImageFormat::kUnknown) << what;
    EXPECT_GT(r->width, 0u) << what;
    EXPECT_GT(r->height, 0u) << what;
  } else {
    EXPECT_EQ(r.status().code(), StatusCode::kDecodeFailed) << what;
    EXPECT_FALSE(r.status().message().empty()) << what;
  }
}

TEST(ImageHeader, RandomGarbageNeverCrashes) {
  // Pure noise, and noise behind each format's magic so the parsers past detection get exercised.
  const std::vector<Bytes> magics = {
      {}, {0xFF, 0xD8, 0xFF}, {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'},
      {'B', 'M'}, text("RIFF\x10\x00\x00\x00WEBP"), text("RIFF\x10\x00\x00\x00WEBPVP8L"),
      {'I', 'I', '*', 0}, {'M', 'M', 0, '*'}, text("P6\n"),
  };
  std::mt19937 rng(20240611);
  for (int i = 0; i < 10000; ++i) {
    Bytes b = magics[i % magics.size()];
    const size_t extra = rng() % 64;
    for (size_t k = 0; k < extra; ++k) {
      // Bias towards bytes that matter to the parsers: 0x00, 0xFF, digits, whitespace.
      const uint32_t r = rng();
      const uint8_t special[] = {0x00, 0xFF, 0x01, '0', '9', ' ', '#', '\n'};
      b.push_back(r % 4 == 0 ? special[(r >> 8) % 8] : static_cast<uint8_t>(r >> 16));
    }
    expect_sane(sniff(b), "garbage " + std::to_string(i));
  }
}

TEST(ImageHeader, MutatedSampleHeadersNeverCrash) {
  std::mt19937 rng(99);
  for (const Sample& s : samples()) {
    for (int i = 0; i < 30; ++i) {
      Bytes b(s.bytes.begin(), s.bytes.begin() + std::min<std::ptrdiff_t>(s.bytes.size(), 512));
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) b[rng() % b.size()] = static_cast<uint8_t>(rng());
      b.resize(rng() % (b.size() + 1));
      expect_sane(sniff(b), s.name + " mutation " + std::to_string(i));
    }
  }
}

}  // namespace
}  // namespace hashsieve
