// AVX2 PDQ kernels. Lanes are independent rows (box passes) or pixels (luma); each output gets
// exactly the scalar kernel's float operations in the same order, so results are bit-identical.
#include <immintrin.h>

#include <algorithm>

#include "hashers/pdq_kernels.h"
#include "hashers/pdq_luma.h"

namespace hashsieve::pdq {
namespace {

constexpr int kRowsPerStrip = 16;  // two independent running sums hide the add latency

// ---- luma ----

__m256 luma8(__m256i r, __m256i g, __m256i b) {
  const __m256 fr = _mm256_cvtepi32_ps(r), fg = _mm256_cvtepi32_ps(g), fb = _mm256_cvtepi32_ps(b);
  const __m256 rg = _mm256_add_ps(_mm256_mul_ps(_mm256_set1_ps(kLumaR), fr),
                                  _mm256_mul_ps(_mm256_set1_ps(kLumaG), fg));
  return _mm256_add_ps(rg, _mm256_mul_ps(_mm256_set1_ps(kLumaB), fb));
}

// Gathers R, G, B bytes of 4 pixels into dwords 0, 1, 2 of a 128-bit lane.
__m128i planar_mask(const ChannelOrder& o) {
  alignas(16) int8_t m[16];
  for (int i = 0; i < 4; ++i) {
    m[i] = int8_t(i * o.bpp + o.r);
    m[4 + i] = int8_t(i * o.bpp + o.g);
    m[8 + i] = int8_t(i * o.bpp + o.b);
    m[12 + i] = -1;
  }
  return _mm_load_si128(reinterpret_cast<const __m128i*>(m));
}

// lo, hi: 4 pixels each, already planarised by planar_mask.
__m256 luma_from_planar(__m128i lo, __m128i hi) {
  const __m128i rg = _mm_unpacklo_epi32(lo, hi);  // R0-3 R4-7 G0-3 G4-7
  const __m128i bx = _mm_unpackhi_epi32(lo, hi);  // B0-3 B4-7 - -
  return luma8(_mm256_cvtepu8_epi32(rg), _mm256_cvtepu8_epi32(_mm_srli_si128(rg, 8)),
               _mm256_cvtepu8_epi32(bx));
}

void luma_avx2(const ImageView& image, float* out) {
  const ChannelOrder o = channel_order(image.format);
  const int w = image.width;
  const __m128i mask = planar_mask(o);
  for (int y = 0; y < image.height; ++y) {
    const uint8_t* row = image.data + size_t(y) * image.stride;
    float* dst = out + size_t(y) * w;
    int x = 0;
    if (o.bpp == 3) {
      // The second load reads 16 bytes from pixel x+4: stay 28 bytes inside the row.
      for (; x + 10 <= w; x += 8) {
        const uint8_t* p = row + size_t(x) * 3;
        const __m128i lo = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), mask);
        const __m128i hi = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 12)), mask);
        _mm256_storeu_ps(dst + x, luma_from_planar(lo, hi));
      }
    } else if (o.bpp == 4) {
      for (; x + 8 <= w; x += 8) {
        const uint8_t* p = row + size_t(x) * 4;
        const __m128i lo = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), mask);
        const __m128i hi = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16)), mask);
        _mm256_storeu_ps(dst + x, luma_from_planar(lo, hi));
      }
    } else {
      for (; x + 8 <= w; x += 8) {
        const __m256i g = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(row + x)));
        _mm256_storeu_ps(dst + x, luma8(g, g, g));
      }
    }
    luma_row_scalar(image, y, x, w, dst + x);
  }
}

// ---- box passes ----

// out[0..7] (stride 16 floats) = column c..c+7 of the 8 rows rp[0..7].
inline void transpose8x8(const float* const* rp, int c, float* out) {
  __m256 r0 = _mm256_loadu_ps(rp[0] + c), r1 = _mm256_loadu_ps(rp[1] + c);
  __m256 r2 = _mm256_loadu_ps(rp[2] + c), r3 = _mm256_loadu_ps(rp[3] + c);
  __m256 r4 = _mm256_loadu_ps(rp[4] + c), r5 = _mm256_loadu_ps(rp[5] + c);
  __m256 r6 = _mm256_loadu_ps(rp[6] + c), r7 = _mm256_loadu_ps(rp[7] + c);
  __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
  __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
  __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
  __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  const int s = kRowsPerStrip;
  _mm256_store_ps(out + 0 * s, _mm256_permute2f128_ps(u0, u4, 0x20));
  _mm256_store_ps(out + 1 * s, _mm256_permute2f128_ps(u1, u5, 0x20));
  _mm256_store_ps(out + 2 * s, _mm256_permute2f128_ps(u2, u6, 0x20));
  _mm256_store_ps(out + 3 * s, _mm256_permute2f128_ps(u3, u7, 0x20));
  _mm256_store_ps(out + 4 * s, _mm256_permute2f128_ps(u0, u4, 0x31));
  _mm256_store_ps(out + 5 * s, _mm256_permute2f128_ps(u1, u5, 0x31));
  _mm256_store_ps(out + 6 * s, _mm256_permute2f128_ps(u2, u6, 0x31));
  _mm256_store_ps(out + 7 * s, _mm256_permute2f128_ps(u3, u7, 0x31));
}

// t[c * 16 + lane] = rp[lane][c] for c < cols.
void transpose_strip(const float* const* rp, int cols, float* t) {
  int c = 0;
  for (; c + 8 <= cols; c += 8) {
    transpose8x8(rp, c, t + size_t(c) * kRowsPerStrip);
    transpose8x8(rp + 8, c, t + size_t(c) * kRowsPerStrip + 8);
  }
  for (; c < cols; ++c)
    for (int lane = 0; lane < kRowsPerStrip; ++lane) t[size_t(c) * kRowsPerStrip + lane] = rp[lane][c];
}

struct StripWriter {
  float* out;
  int rows, r0, nr;
  const int* keep;
  int nkeep;
  int k = 0;  // next kept column

  inline void put(int dst, __m256 v0, __m256 v1) {
    float* d = out + size_t(dst) * rows + r0;
    if (nr == kRowsPerStrip) {
      _mm256_storeu_ps(d, v0);
      _mm256_storeu_ps(d + 8, v1);
    } else {
      alignas(32) float tmp[kRowsPerStrip];
      _mm256_store_ps(tmp, v0);
      _mm256_store_ps(tmp + 8, v1);
      std::copy(tmp, tmp + nr, d);
    }
  }
  inline void emit(int oi, __m256 s0, __m256 s1, __m256 count) {
    if (!keep) {
      put(oi, _mm256_div_ps(s0, count), _mm256_div_ps(s1, count));
      return;
    }
    while (k < nkeep && keep[k] == oi) put(k++, _mm256_div_ps(s0, count), _mm256_div_ps(s1, count));
  }
};

// The four phases of for_each_box_phase, unrolled for vectors of 16 rows.
void box_strip(const float* t, int n, int w, StripWriter& wr) {
  const int half = (w + 2) / 2;
  const int s = kRowsPerStrip;
  __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
  int ri = 0, li = 0, oi = 0, count = 0;
  for (int i = 0; i < half - 1; ++i, ++ri, ++count) {
    s0 = _mm256_add_ps(s0, _mm256_load_ps(t + size_t(ri) * s));
    s1 = _mm256_add_ps(s1, _mm256_load_ps(t + size_t(ri) * s + 8));
  }
  for (int i = 0; i < w - half + 1; ++i, ++ri, ++oi) {
    s0 = _mm256_add_ps(s0, _mm256_load_ps(t + size_t(ri) * s));
    s1 = _mm256_add_ps(s1, _mm256_load_ps(t + size_t(ri) * s + 8));
    ++count;
    wr.emit(oi, s0, s1, _mm256_set1_ps(float(count)));
  }
  const __m256 full = _mm256_set1_ps(float(count));
  for (int i = 0; i < n - w; ++i, ++ri, ++li, ++oi) {
    s0 = _mm256_add_ps(s0, _mm256_load_ps(t + size_t(ri) * s));
    s1 = _mm256_add_ps(s1, _mm256_load_ps(t + size_t(ri) * s + 8));
    s0 = _mm256_sub_ps(s0, _mm256_load_ps(t + size_t(li) * s));
    s1 = _mm256_sub_ps(s1, _mm256_load_ps(t + size_t(li) * s + 8));
    wr.emit(oi, s0, s1, full);
  }
  for (int i = 0; i < half - 1; ++i, ++li, ++oi) {
    s0 = _mm256_sub_ps(s0, _mm256_load_ps(t + size_t(li) * s));
    s1 = _mm256_sub_ps(s1, _mm256_load_ps(t + size_t(li) * s + 8));
    --count;
    wr.emit(oi, s0, s1, _mm256_set1_ps(float(count)));
  }
}

void box_rows_transposed_avx2(const float* in, int rows, int cols, int window, const int* keep,
                              int nkeep, float* scratch, float* out) {
  for (int r0 = 0; r0 < rows; r0 += kRowsPerStrip) {
    const int nr = std::min(kRowsPerStrip, rows - r0);
    const float* rp[kRowsPerStrip];
    // Missing rows of a short last strip repeat its first row; their lanes are never stored.
    for (int lane = 0; lane < kRowsPerStrip; ++lane) rp[lane] = in + size_t(r0 + (lane < nr ? lane : 0)) * cols;
    transpose_strip(rp, cols, scratch);
    StripWriter wr{out, rows, r0, nr, keep, nkeep};
    box_strip(scratch, cols, window, wr);
  }
}

size_t scratch_floats_avx2(int cols) { return size_t(cols) * kRowsPerStrip; }

}  // namespace

const Kernels* avx2_kernels() {
  static const Kernels k{SimdLevel::kAvx2, luma_avx2, box_rows_transposed_avx2, scratch_floats_avx2};
  return &k;
}

}  // namespace hashsieve::pdq
