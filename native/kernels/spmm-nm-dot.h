// The N:M row kernel of the small-batch path on AVX-512 (see nm_dot in
// spmm-isa.h), included by spmm-impl.h; elsewhere the gather path serves.
// Internal linkage, as spmm-impl.h.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace sk {
namespace {

// Eight bytes from p, of which only `avail` may be read (the rest read as zero).
inline uint64_t load64_upto(const uint8_t* p, int64_t avail) {
  uint64_t w = 0;
  // A constant size compiles to one load; a variable one calls memcpy.
  if (avail >= 8) {
    std::memcpy(&w, p, 8);
  } else {
    std::memcpy(&w, p, static_cast<size_t>(avail));
  }
  return w;
}

#if defined(__AVX512F__)
// Values are prefetched this many floats ahead (2 KB) in nm_dot.
constexpr int64_t kValueLead = 512;

// One N:M row at small batch without gathers (AVX-512): 16 slots span a
// window of w = 16·m/n columns of x; each slot's x is picked from the
// window's registers by permutes (vpermt2ps), whose index is the slot's
// column inside the window. Needs n | 16, log2 m <= 4 and w <= 128.
// For rows r < nr (positions pos + r·row_bytes, values val + r·spr):
// out[b·ldo + r] = (accumulate ? out[b·ldo + r] : 0) + Σ_s val[s] · x[b·ldx + col(s)] for b < nb.
void nm_dot_impl(const uint8_t* pos_rows, int64_t row_bytes, int bits, int n, int m, const float* val_rows, int64_t spr,
                 int64_t nr, const float* x, int64_t ldx, int64_t nb, float* out_rows, int64_t ldo, bool accumulate) {
  const int64_t w = 16 * m / n;
  const int64_t full = spr / 16 * 16;
  const __m512i mask = _mm512_set1_epi32((1 << bits) - 1);
  alignas(64) int32_t shift[16], base[16];
  for (int l = 0; l < 16; l++) {
    shift[l] = (l % 8) * bits;
    base[l] = l / n * m;
  }
  const __m512i vshift = _mm512_load_si512(shift);
  const __m512i vbase = _mm512_load_si512(base);
  const __m512i bit5 = _mm512_set1_epi32(32), bit6 = _mm512_set1_epi32(64);
  for (int64_t r = 0; r < nr; r++) {
  const uint8_t* pos = pos_rows + r * row_bytes;
  const float* val = val_rows + r * spr;
  float* out = out_rows + r;
  for (int64_t b = 0; b < nb; b++) {
    const float* xb = x + b * ldx;
    // x at the 16 slots from s on, whose window starts at xw.
    auto pick = [&](int64_t s, const float* xw) {
      // 16 positions: bits·16 <= 64 bits starting on a byte (s·bits is a multiple of 8).
      const int64_t at = s * bits / 8;
      const uint64_t word = at + 8 <= row_bytes ? load64_upto(pos + at, 8) : load64_upto(pos + at, row_bytes - at);
      const __m512i lo = _mm512_castsi256_si512(_mm256_set1_epi32(static_cast<int32_t>(word)));
      const __m512i both = _mm512_inserti32x8(lo, _mm256_set1_epi32(static_cast<int32_t>(word >> (8 * bits))), 1);
      const __m512i idx = _mm512_add_epi32(vbase, _mm512_and_si512(_mm512_srlv_epi32(both, vshift), mask));
      __m512 g = _mm512_permutex2var_ps(_mm512_loadu_ps(xw), idx, _mm512_loadu_ps(xw + 16));
      if (w > 32) {
        const __m512 p1 = _mm512_permutex2var_ps(_mm512_loadu_ps(xw + 32), idx, _mm512_loadu_ps(xw + 48));
        const __mmask16 hi = _mm512_test_epi32_mask(idx, bit5);
        g = _mm512_mask_blend_ps(hi, g, p1);
        if (w > 64) {
          const __m512 p2 = _mm512_permutex2var_ps(_mm512_loadu_ps(xw + 64), idx, _mm512_loadu_ps(xw + 80));
          const __m512 p3 = _mm512_permutex2var_ps(_mm512_loadu_ps(xw + 96), idx, _mm512_loadu_ps(xw + 112));
          g = _mm512_mask_blend_ps(_mm512_test_epi32_mask(idx, bit6), g, _mm512_mask_blend_ps(hi, p2, p3));
        }
      }
      return g;
    };
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    int64_t s = 0;
    for (; s + 32 <= full; s += 32) {
      // The values stream from L3 or memory: ask for them well ahead.
      _mm_prefetch(reinterpret_cast<const char*>(val + s + kValueLead), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(val + s + kValueLead + 16), _MM_HINT_T0);
      acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(val + s), pick(s, xb + s / 16 * w), acc0);
      acc1 = _mm512_fmadd_ps(_mm512_loadu_ps(val + s + 16), pick(s + 16, xb + s / 16 * w + w), acc1);
    }
    if (s < full) acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(val + s), pick(s, xb + s / 16 * w), acc0);
    float sum = _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
    for (int64_t s = full; s < spr; s++) {
      int64_t bit = s * bits, p = 0;
      for (int q = 0; q < bits; q++, bit++) p |= static_cast<int64_t>((pos[bit >> 3] >> (bit & 7)) & 1) << q;
      sum += val[s] * xb[s / n * m + p];
    }
    out[b * ldo] = accumulate ? out[b * ldo] + sum : sum;
  }
  }
}
#endif

}  // namespace
}  // namespace sk
