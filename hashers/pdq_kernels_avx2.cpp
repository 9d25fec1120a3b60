// AVX2 PDQ kernels. Lanes are independent rows (box passes) or pixels (luma); each output gets
// exactly the scalar kernel's float operations in the same order, so results are bit-identical.
// A per-ISA translation unit: see the rule in hashers/pdq_kernels.h.
#include <immintrin.h>

#include <cstring>

#include "hashers/pdq_kernels.h"
#include "hashers/pdq_luma.h"

#if !defined(__AVX2__) || !defined(__BMI2__) || defined(__AVX512F__)
#error "compile with exactly the features cpu_runs(SimdLevel::kAvx2) checks (cmake/CompilerFlags.cmake)"
#endif

namespace hashsieve::pdq {
namespace {

int min_int(int a, int b) { return a < b ? a : b; }

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

void luma_rows_avx2(const ImageView& image, int y0, int rows, float* out) {
  const ChannelOrder o = channel_order(image.format);
  const int w = image.width;
  const __m128i mask = planar_mask(o);
  for (int r = 0; r < rows; ++r) {
    const int y = y0 + r;
    const uint8_t* row = image.data + size_t(y) * image.stride;
    float* dst = out + size_t(r) * w;
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

// Transposes an 8x8 block: dst[i][0..7] = (src[0][i], ..., src[7][i]).
inline void transpose8x8(const float* const* src, float* const* dst) {
  __m256 r0 = _mm256_loadu_ps(src[0]), r1 = _mm256_loadu_ps(src[1]);
  __m256 r2 = _mm256_loadu_ps(src[2]), r3 = _mm256_loadu_ps(src[3]);
  __m256 r4 = _mm256_loadu_ps(src[4]), r5 = _mm256_loadu_ps(src[5]);
  __m256 r6 = _mm256_loadu_ps(src[6]), r7 = _mm256_loadu_ps(src[7]);
  __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
  __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
  __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
  __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  _mm256_storeu_ps(dst[0], _mm256_permute2f128_ps(u0, u4, 0x20));
  _mm256_storeu_ps(dst[1], _mm256_permute2f128_ps(u1, u5, 0x20));
  _mm256_storeu_ps(dst[2], _mm256_permute2f128_ps(u2, u6, 0x20));
  _mm256_storeu_ps(dst[3], _mm256_permute2f128_ps(u3, u7, 0x20));
  _mm256_storeu_ps(dst[4], _mm256_permute2f128_ps(u0, u4, 0x31));
  _mm256_storeu_ps(dst[5], _mm256_permute2f128_ps(u1, u5, 0x31));
  _mm256_storeu_ps(dst[6], _mm256_permute2f128_ps(u2, u6, 0x31));
  _mm256_storeu_ps(dst[7], _mm256_permute2f128_ps(u3, u7, 0x31));
}

// t[c * 16 + lane] = rp[lane][c] for c < cols: 16 rows into column-major lanes.
void rows_to_lanes(const float* const* rp, int cols, float* t) {
  int c = 0;
  for (; c + 8 <= cols; c += 8) {
    for (int half = 0; half < 2; ++half) {
      const float* src[8];
      float* dst[8];
      for (int i = 0; i < 8; ++i) {
        src[i] = rp[half * 8 + i] + c;
        dst[i] = t + size_t(c + i) * kStripRows + half * 8;
      }
      transpose8x8(src, dst);
    }
  }
  for (; c < cols; ++c)
    for (int lane = 0; lane < kStripRows; ++lane) t[size_t(c) * kStripRows + lane] = rp[lane][c];
}

// The inverse: out_rows[lane][c] = t[c * 16 + lane].
void lanes_to_rows(const float* t, int cols, float* const* out_rows) {
  int c = 0;
  for (; c + 8 <= cols; c += 8) {
    for (int half = 0; half < 2; ++half) {
      const float* src[8];
      float* dst[8];
      for (int i = 0; i < 8; ++i) {
        src[i] = t + size_t(c + i) * kStripRows + half * 8;
        dst[i] = out_rows[half * 8 + i] + c;
      }
      transpose8x8(src, dst);
    }
  }
  for (; c < cols; ++c)
    for (int lane = 0; lane < kStripRows; ++lane) out_rows[lane][c] = t[size_t(c) * kStripRows + lane];
}

// The four phases of for_each_box_phase, unrolled for vectors of 16 rows held in lanes;
// emit(oi, s0, s1, count) sees every output position in order.
template <typename Emit>
void box_strip(const float* t, int n, int w, Emit&& emit) {
  const int half = (w + 2) / 2;
  const int s = kStripRows;
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
    emit(oi, s0, s1, _mm256_set1_ps(float(count)));
  }
  const __m256 full = _mm256_set1_ps(float(count));
  for (int i = 0; i < n - w; ++i, ++ri, ++li, ++oi) {
    s0 = _mm256_add_ps(s0, _mm256_load_ps(t + size_t(ri) * s));
    s1 = _mm256_add_ps(s1, _mm256_load_ps(t + size_t(ri) * s + 8));
    s0 = _mm256_sub_ps(s0, _mm256_load_ps(t + size_t(li) * s));
    s1 = _mm256_sub_ps(s1, _mm256_load_ps(t + size_t(li) * s + 8));
    emit(oi, s0, s1, full);
  }
  for (int i = 0; i < half - 1; ++i, ++li, ++oi) {
    s0 = _mm256_sub_ps(s0, _mm256_load_ps(t + size_t(li) * s));
    s1 = _mm256_sub_ps(s1, _mm256_load_ps(t + size_t(li) * s + 8));
    --count;
    emit(oi, s0, s1, _mm256_set1_ps(float(count)));
  }
}

// Row pointers for a strip of nr <= 16 rows; missing rows repeat the first (never stored).
void strip_rows(const float* in, int r0, int nr, int cols, const float* rp[kStripRows]) {
  for (int lane = 0; lane < kStripRows; ++lane) rp[lane] = in + size_t(r0 + (lane < nr ? lane : 0)) * cols;
}

// Stores 16 lanes (or the first nr) at d.
inline void store_lanes(float* d, int nr, __m256 v0, __m256 v1) {
  if (nr == kStripRows) {
    _mm256_storeu_ps(d, v0);
    _mm256_storeu_ps(d + 8, v1);
    return;
  }
  alignas(32) float tmp[kStripRows];
  _mm256_store_ps(tmp, v0);
  _mm256_store_ps(tmp + 8, v1);
  std::memcpy(d, tmp, size_t(nr) * sizeof(float));
}

void box_rows_transposed_avx2(const float* in, int rows, int cols, int window, const int* keep, int nkeep,
                              float* scratch, float* out, size_t out_stride) {
  for (int r0 = 0; r0 < rows; r0 += kStripRows) {
    const int nr = min_int(kStripRows, rows - r0);
    const float* rp[kStripRows];
    strip_rows(in, r0, nr, cols, rp);
    rows_to_lanes(rp, cols, scratch);
    int k = 0;  // next kept column
    box_strip(scratch, cols, window, [&](int oi, __m256 s0, __m256 s1, __m256 count) {
      if (!keep) {
        store_lanes(out + size_t(oi) * out_stride + r0, nr, _mm256_div_ps(s0, count), _mm256_div_ps(s1, count));
        return;
      }
      while (k < nkeep && keep[k] == oi) {
        store_lanes(out + size_t(k++) * out_stride + r0, nr, _mm256_div_ps(s0, count), _mm256_div_ps(s1, count));
      }
    });
  }
}

void box_rows_avx2(const float* in, int rows, int cols, int window, float* scratch, float* const* out_rows) {
  // scratch: lanes in and lanes out (cols x 16 floats each), then a throwaway row.
  float* lanes_in = scratch;
  float* lanes_out = scratch + size_t(cols) * kStripRows;
  float* spare = lanes_out + size_t(cols) * kStripRows;
  const float* rp[kStripRows];
  strip_rows(in, 0, rows, cols, rp);
  rows_to_lanes(rp, cols, lanes_in);
  box_strip(lanes_in, cols, window, [&](int oi, __m256 s0, __m256 s1, __m256 count) {
    _mm256_store_ps(lanes_out + size_t(oi) * kStripRows, _mm256_div_ps(s0, count));
    _mm256_store_ps(lanes_out + size_t(oi) * kStripRows + 8, _mm256_div_ps(s1, count));
  });
  float* dst[kStripRows];  // lanes past `rows` land in the throwaway row
  for (int lane = 0; lane < kStripRows; ++lane) dst[lane] = lane < rows ? out_rows[lane] : spare;
  lanes_to_rows(lanes_out, cols, dst);
}

void column_step_avx2(float* sum, const float* add, const float* sub, float count, float* out, int n) {
  const __m256 cv = _mm256_set1_ps(count);
  int x = 0;
  for (; x + 8 <= n; x += 8) {
    __m256 s = _mm256_loadu_ps(sum + x);
    if (add) s = _mm256_add_ps(s, _mm256_loadu_ps(add + x));
    if (sub) s = _mm256_sub_ps(s, _mm256_loadu_ps(sub + x));
    _mm256_storeu_ps(sum + x, s);
    if (out) _mm256_storeu_ps(out + x, _mm256_div_ps(s, cv));
  }
  for (; x < n; ++x) {
    float s = sum[x];
    if (add) s += add[x];
    if (sub) s -= sub[x];
    sum[x] = s;
    if (out) out[x] = s / count;
  }
}

size_t scratch_floats_avx2(int cols) { return (2 * size_t(cols) + 1) * kStripRows + size_t(cols); }

}  // namespace

const Kernels* avx2_kernels() {
  static const Kernels k{SimdLevel::kAvx2, luma_rows_avx2,   box_rows_transposed_avx2,
                         box_rows_avx2,    column_step_avx2, scratch_floats_avx2};
  return &k;
}

}  // namespace hashsieve::pdq
