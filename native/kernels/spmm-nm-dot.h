// The N:M row kernel of the small-batch path on AVX-512 (see nm_dot in
// spmm-isa.h), included by spmm-impl.h; elsewhere the gather path serves.
// Internal linkage, as spmm-impl.h.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "spmm.h"

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
// Rows of x one sweep of nm_dot reads: every row's slots read its window of
// each batch row, so beyond L1 they thrash it (1:8, 768×3072 at batch 4: 0.29
// → 0.19 ms sweeping 2 batch rows at a time, 12 KB each, instead of 4).
constexpr int64_t kDotXBytes = 32 << 10;
// Values are prefetched this many floats ahead (2 KB) in nm_dot.
constexpr int64_t kValueLead = 512;

// The 16 row sums of v[0..16) (each a vector of partial sums) as one vector,
// lane r = Σ v[r]: a tree of 15 additions and 34 shuffles, not a serial
// horizontal reduction per row (which took a quarter of the batch-1 time).
inline __m512 row_sums16(const __m512* v) {
  __m512 w[8], u[4];
  // Per 128-bit lane, pairs of rows: [x0+x2, y0+y2, x1+x3, y1+y3].
  for (int k = 0; k < 8; k++) w[k] = _mm512_add_ps(_mm512_unpacklo_ps(v[2 * k], v[2 * k + 1]), _mm512_unpackhi_ps(v[2 * k], v[2 * k + 1]));
  // Per 128-bit lane, element e: that lane's sum of row 4j + e.
  for (int j = 0; j < 4; j++) {
    const __m512d a = _mm512_castps_pd(w[2 * j]), b = _mm512_castps_pd(w[2 * j + 1]);
    u[j] = _mm512_add_ps(_mm512_castpd_ps(_mm512_unpacklo_pd(a, b)), _mm512_castpd_ps(_mm512_unpackhi_pd(a, b)));
  }
  // Across the four 128-bit lanes: lane j of the result holds rows 4j..4j+3.
  const __m512 p = _mm512_add_ps(_mm512_shuffle_f32x4(u[0], u[1], 0x88), _mm512_shuffle_f32x4(u[0], u[1], 0xdd));
  const __m512 q = _mm512_add_ps(_mm512_shuffle_f32x4(u[2], u[3], 0x88), _mm512_shuffle_f32x4(u[2], u[3], 0xdd));
  return _mm512_add_ps(_mm512_shuffle_f32x4(p, q, 0x88), _mm512_shuffle_f32x4(p, q, 0xdd));
}

// One N:M row at small batch without gathers (AVX-512): 16 slots span a
// window of w = 16·m/n columns of x; each slot's x is picked from the
// window's registers by permutes (vpermt2ps), whose index is the slot's
// column inside the window, or for w >= 256 (1:16, 1:32, 2:32) gathered.
// Needs n | 16, log2 m <= 5 and w <= 512.
// For rows r < nr (positions pos + r·row_bytes, values val + r·spr):
// out[b·ldo + r] = (accumulate ? out[b·ldo + r] : 0) + Σ_s val[s] · x[b·ldx + col(s)] for b < nb.
// The window width W = 16·m/n and the position bits are constants, so the
// permutes needed and the bit arithmetic fold away.
template <int W, int BITS>
void nm_dot_rows(const uint8_t* pos_rows, int64_t row_bytes, int n, int m, const float* val_rows, int64_t spr, int64_t nr,
                 const float* x, int64_t ldx, int64_t nb, float* out_rows, int64_t ldo, bool accumulate) {
  constexpr int64_t w = W;
  constexpr int bits = BITS;
  const int64_t full = spr / 16 * 16;
  const __m512i mask = _mm512_set1_epi32((1 << bits) - 1);
  // Slot l's position starts at bit l·bits of the 64-bit word: bytes pick[l] (a
  // byte shuffle of the word broadcast from memory: one shuffle-port
  // instruction, not three), then a shift by the rest. Its group lies in
  // 32-column segment (l / n)·m / 32 of the window, so which permute serves
  // it is a constant mask, not a test of the index.
  alignas(64) int8_t pick_bytes[64];
  alignas(64) int32_t shift[16], base[16];
  __mmask16 seg1 = 0, seg2 = 0;
  for (int l = 0; l < 16; l++) {
    // With 5 bits, 16 slots take 80 bits: slots 8–15 come from a second word, 5 bytes on.
    const int lb = bits == 5 ? l % 8 * bits : l * bits;
    const int b = lb / 8;
    for (int h = 0; h < 4; h++) pick_bytes[4 * l + h] = h < 2 && b + h < 8 ? static_cast<int8_t>(b + h) : int8_t{-128};
    shift[l] = lb % 8;
    base[l] = l / n * m;
    const int seg = l / n * m / 32;
    if (seg & 1) seg1 = static_cast<__mmask16>(seg1 | (1u << l));
    if (seg & 2) seg2 = static_cast<__mmask16>(seg2 | (1u << l));
  }
  const __m512i vpick = _mm512_load_si512(pick_bytes);
  const __m512i vshift = _mm512_load_si512(shift);
  const __m512i vbase = _mm512_load_si512(base);
  // The word-at-a-time decode of the last slots of a row, where fewer than 8 bytes remain.
  alignas(64) int32_t shift_word[16];
  for (int l = 0; l < 16; l++) shift_word[l] = (l % 8) * bits;
  const __m512i vshift_word = _mm512_load_si512(shift_word);
  const uint8_t* pos_end = pos_rows + nr * row_bytes;
  // Each row's vector of partial sums per batch row, summed 16 rows at a time (row_sums16).
  alignas(64) __m512 part[kSpmmSkinnyBatch][16];
  // Batch rows that share a sweep over the rows: as many as keep their rows of x in L1.
  const int64_t fit = kDotXBytes / (ldx * 4);
  const int64_t chunk = fit >= kSpmmSkinnyBatch ? kSpmmSkinnyBatch : fit >= 2 ? fit : 1;
  for (int64_t b0 = 0; b0 < nb; b0 += chunk) {
  const int64_t bn = nb - b0 < chunk ? nb - b0 : chunk;
  for (int64_t r = 0; r < nr; r++) {
  const uint8_t* pos = pos_rows + r * row_bytes;
  const float* val = val_rows + r * spr;
  for (int64_t bi = 0; bi < bn; bi++) {
    const int64_t b = b0 + bi;
    const float* xb = x + b * ldx;
    // x at the 16 slots from s on, whose window starts at xw (a gather reads only the lanes in k).
    auto pick = [&](int64_t s, const float* xw, __mmask16 k = 0xffff) {
      // 16 positions: bits·16 <= 64 bits starting on a byte (s·bits is a multiple of 8).
      const int64_t at = (s * bits) >> 3;
      // Bytes readable from here: this call's rows lie back to back, so a word
      // may run into the next row (its bits reach no lane); only the last row
      // needs a shorter read.
      const int64_t room = pos_end - (pos + at);
      __m512i idx;
      if constexpr (bits == 5) {
        // Each 128-bit lane of the shuffle sees one word: the low two hold slots 0–7, the high two 8–15.
        const uint64_t w0 = load64_upto(pos + at, room);
        const uint64_t w1 = room > 5 ? load64_upto(pos + at + 5, room - 5) : 0;
        const __m512i words = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_set1_epi64x(static_cast<int64_t>(w0))),
                                                 _mm256_set1_epi64x(static_cast<int64_t>(w1)), 1);
        idx = _mm512_add_epi32(vbase, _mm512_and_si512(_mm512_srlv_epi32(_mm512_shuffle_epi8(words, vpick), vshift), mask));
      } else if (room >= 8) {
        uint64_t word;
        std::memcpy(&word, pos + at, 8);
        const __m512i both = _mm512_shuffle_epi8(_mm512_set1_epi64(static_cast<int64_t>(word)), vpick);
        idx = _mm512_add_epi32(vbase, _mm512_and_si512(_mm512_srlv_epi32(both, vshift), mask));
      } else {
        const uint64_t word = load64_upto(pos + at, room);
        const __m512i lo = _mm512_castsi256_si512(_mm256_set1_epi32(static_cast<int32_t>(word)));
        const __m512i both = _mm512_inserti32x8(lo, _mm256_set1_epi32(static_cast<int32_t>(word >> (8 * bits))), 1);
        idx = _mm512_add_epi32(vbase, _mm512_and_si512(_mm512_srlv_epi32(both, vshift_word), mask));
      }
      // A window of 256 would take 8 permutes: one gather from x (in L1) is cheaper.
      if constexpr (w > 128) return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), k, idx, xw, 4);
      __m512 g = _mm512_permutex2var_ps(_mm512_loadu_ps(xw), idx, _mm512_loadu_ps(xw + 16));
      if (w > 32) {
        const __m512 p1 = _mm512_permutex2var_ps(_mm512_loadu_ps(xw + 32), idx, _mm512_loadu_ps(xw + 48));
        g = _mm512_mask_blend_ps(seg1, g, p1);
        if (w > 64) {
          const __m512 p2 = _mm512_permutex2var_ps(_mm512_loadu_ps(xw + 64), idx, _mm512_loadu_ps(xw + 80));
          const __m512 p3 = _mm512_permutex2var_ps(_mm512_loadu_ps(xw + 96), idx, _mm512_loadu_ps(xw + 112));
          g = _mm512_mask_blend_ps(seg2, g, _mm512_mask_blend_ps(seg1, p2, p3));
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
      acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(val + s), pick(s, xb + (s >> 4) * w), acc0);
      acc1 = _mm512_fmadd_ps(_mm512_loadu_ps(val + s + 16), pick(s + 16, xb + (s >> 4) * w + w), acc1);
    }
    if (s < full) acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(val + s), pick(s, xb + (s >> 4) * w), acc0);
    // The last slots (fewer than 16): a masked gather where x is gathered anyway
    // (the permute windows would read past the row), else one at a time.
    int64_t done = full;
    if constexpr (w > 128) {
      if (full < spr) {
        const __mmask16 k = static_cast<__mmask16>((1u << (spr - full)) - 1);
        acc1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(k, val + full), pick(full, xb + (full >> 4) * w, k), acc1);
        done = spr;
      }
    }
    // A position of at most 5 bits spans at most two bytes.
    float tail = 0.0f;
    for (int64_t s = done; s < spr; s++) {
      const int64_t bit = s * bits, byte = bit >> 3;
      const uint32_t two = pos[byte] | (byte + 1 < row_bytes ? static_cast<uint32_t>(pos[byte + 1]) << 8 : 0u);
      const int64_t p = (two >> (bit & 7)) & ((1u << bits) - 1);
      tail += val[s] * xb[s / n * m + p];
    }
    part[bi][r % 16] = _mm512_add_ps(_mm512_add_ps(acc0, acc1), _mm512_castps128_ps512(_mm_set_ss(tail)));
  }
  // Every 16 rows, and after the last, the group's sums go out together (rows of y are contiguous).
  if (r % 16 == 15 || r == nr - 1) {
    const int64_t r0 = r / 16 * 16, g = r - r0 + 1;
    const __mmask16 k = static_cast<__mmask16>((1u << g) - 1);
    for (int64_t bi = 0; bi < bn; bi++) {
      for (int64_t i = g; i < 16; i++) part[bi][i] = _mm512_setzero_ps();
      float* o = out_rows + (b0 + bi) * ldo + r0;
      const __m512 sums = row_sums16(part[bi]);
      _mm512_mask_storeu_ps(o, k, accumulate ? _mm512_add_ps(sums, _mm512_maskz_loadu_ps(k, o)) : sums);
    }
  }
  }
  }
}

template <int W>
void nm_dot_bits(const uint8_t* pos, int64_t row_bytes, int bits, int n, int m, const float* val, int64_t spr, int64_t nr,
                 const float* x, int64_t ldx, int64_t nb, float* out, int64_t ldo, bool accumulate) {
  switch (bits) {
    case 1: return nm_dot_rows<W, 1>(pos, row_bytes, n, m, val, spr, nr, x, ldx, nb, out, ldo, accumulate);
    case 2: return nm_dot_rows<W, 2>(pos, row_bytes, n, m, val, spr, nr, x, ldx, nb, out, ldo, accumulate);
    case 3: return nm_dot_rows<W, 3>(pos, row_bytes, n, m, val, spr, nr, x, ldx, nb, out, ldo, accumulate);
    case 4: return nm_dot_rows<W, 4>(pos, row_bytes, n, m, val, spr, nr, x, ldx, nb, out, ldo, accumulate);
    default: return nm_dot_rows<W, 5>(pos, row_bytes, n, m, val, spr, nr, x, ldx, nb, out, ldo, accumulate);
  }
}

// The table entry (nm_dot_fits: W is 32 to 512 and bits at most 5).
void nm_dot_impl(const uint8_t* pos, int64_t row_bytes, int bits, int n, int m, const float* val, int64_t spr, int64_t nr,
                 const float* x, int64_t ldx, int64_t nb, float* out, int64_t ldo, bool accumulate) {
  const int w = 16 * m / n;
  if (w <= 32) return nm_dot_bits<32>(pos, row_bytes, bits, n, m, val, spr, nr, x, ldx, nb, out, ldo, accumulate);
  if (w <= 64) return nm_dot_bits<64>(pos, row_bytes, bits, n, m, val, spr, nr, x, ldx, nb, out, ldo, accumulate);
  if (w <= 128) return nm_dot_bits<128>(pos, row_bytes, bits, n, m, val, spr, nr, x, ldx, nb, out, ldo, accumulate);
  if (w <= 256) return nm_dot_bits<256>(pos, row_bytes, bits, n, m, val, spr, nr, x, ldx, nb, out, ldo, accumulate);
  return nm_dot_bits<512>(pos, row_bytes, bits, n, m, val, spr, nr, x, ldx, nb, out, ldo, accumulate);
}
#endif

}  // namespace
}  // namespace sk
