// JPEGs written by libjpeg directly, for tests that need what OpenCV's encoder cannot make:
// other chroma sampling (it always uses 2x2) or a custom progressive scan script.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include <jpeglib.h>

namespace hashsieve::testing {

struct JpegEncoding {
  int luma_h = 2, luma_v = 2;                   // luma sampling factors (chroma stays 1x1)
  const std::vector<jpeg_scan_info>* scans = nullptr;  // a progressive scan script
};

// Rows come from row(y, dst) one at a time, so a large image never exists whole.
inline std::vector<uint8_t> encode_rows_with_libjpeg(int w, int h, int components,
                                                     const std::function<void(int y, uint8_t* dst)>& row,
                                                     const JpegEncoding& how = {}) {
  jpeg_compress_struct c{};
  jpeg_error_mgr err{};
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&c, &buf, &size);
  c.image_width = JDIMENSION(w);
  c.image_height = JDIMENSION(h);
  c.input_components = components;
  c.in_color_space = components == 3 ? JCS_EXT_BGR : JCS_GRAYSCALE;
  jpeg_set_defaults(&c);
  if (components == 3) {
    c.comp_info[0].h_samp_factor = how.luma_h;
    c.comp_info[0].v_samp_factor = how.luma_v;
  }
  if (how.scans) {
    c.scan_info = how.scans->data();
    c.num_scans = int(how.scans->size());
  }
  jpeg_start_compress(&c, TRUE);
  std::vector<uint8_t> line(size_t(w) * size_t(components));
  while (c.next_scanline < c.image_height) {
    row(int(c.next_scanline), line.data());
    JSAMPROW p = line.data();
    jpeg_write_scanlines(&c, &p, 1);
  }
  jpeg_finish_compress(&c);
  std::vector<uint8_t> out(buf, buf + size);
  jpeg_destroy_compress(&c);
  std::free(buf);
  return out;
}

// pixels: rows of w x components bytes, BGR when components is 3, gray when 1.
inline std::vector<uint8_t> encode_with_libjpeg(const uint8_t* pixels, int w, int h, int components,
                                                const JpegEncoding& how = {}) {
  const size_t row_bytes = size_t(w) * size_t(components);
  return encode_rows_with_libjpeg(
      w, h, components, [&](int y, uint8_t* dst) { std::copy(pixels + size_t(y) * row_bytes, pixels + size_t(y + 1) * row_bytes, dst); },
      how);
}

}  // namespace hashsieve::testing
