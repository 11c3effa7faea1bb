// The lane path of the N:M forward on AVX-512 (see nm_lanes in spmm-isa.h),
// included by spmm-impl.h; elsewhere the table's entries stay null.
// Internal linkage, as spmm-impl.h.
//
// Output rows live in vector lanes: for a block of 16 rows and one batch row
// b, the 16 input values the rows' slot s multiplies are picked from a
// vector of x[b] by one permute (vpermps over a chunk of 16 columns, or
// vpermt2ps over 32 when M = 32), then fused with the 16 rows' values. x
// needs no packing, y no transpose, and one load of x feeds every slot of
// two row blocks. The permutes all run on one port, so this path tops out
// near one multiply-add vector per cycle (half the FMA peak); it is chosen
// only where few weights per row leave the panel path too little to
// amortise its packing, transposes and tile traffic.
//
// Layout (nm_lanes_layout, once per call): row block q, slot s (in row order)
// -> lay[q·spr·32 + s·32 + l] = column of slot s of row 16q + l inside its
// chunk (int32 bits), and lay[... + 16 + l] = its value; lanes past the last
// row hold zeros. Chunk c holds slots [c·S, c·S + S), S = n·CW/M.
#pragma once

#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace sk {
namespace {

#if defined(__AVX512F__)
// Batch rows per tile; row blocks sharing each load of x.
constexpr int kLanesBatch = 8, kLanesBlocks = 2;

// Slots [s0, s1) of the chunk at xc (x + chunk·CW; with TAIL only the first
// rem columns exist): acc[b][r] += perm(x chunk of batch row b) · w.
template <int CW, int BT, int RB, bool TAIL>
inline void lanes_chunk(const float* xc, int64_t ldx, int64_t rem, const float* const* lay, int64_t s0, int64_t s1,
                        __m512 (&acc)[BT][RB]) {
  __mmask16 k[2] = {static_cast<__mmask16>(0xffff), static_cast<__mmask16>(0xffff)};
  if (TAIL) {
    for (int h = 0; h < 2; h++) k[h] = static_cast<__mmask16>((1u << std::clamp<int64_t>(rem - 16 * h, 0, 16)) - 1);
  }
  auto ld = [&](const float* p, int h) {
    __m512 v = TAIL ? _mm512_maskz_loadu_ps(k[h], p) : _mm512_loadu_ps(p);
    // Keep x in registers: folded into the permute as an indexed memory
    // operand it would cost an extra micro-op per use.
    asm("" : "+v"(v));
    return v;
  };
  if constexpr (CW == 16) {
    // One vector of x per batch row serves every slot of the chunk.
    __m512 xv[BT];
    for (int b = 0; b < BT; b++) xv[b] = ld(xc + b * ldx, 0);
    for (int64_t s = s0; s < s1; s++) {
#pragma GCC unroll 4
      for (int r = 0; r < RB; r++) {
        const float* l = lay[r] + s * 32;
        const __m512i id = _mm512_load_si512(l);
        const __m512 w = _mm512_load_ps(l + 16);
#pragma GCC unroll 16
        for (int b = 0; b < BT; b++) acc[b][r] = _mm512_fmadd_ps(_mm512_permutexvar_ps(id, xv[b]), w, acc[b][r]);
      }
    }
  } else {
    // 32 columns per batch row would take 2·BT registers: load them per slot instead.
    for (int64_t s = s0; s < s1; s++) {
      __m512i id[RB];
      __m512 w[RB];
      for (int r = 0; r < RB; r++) {
        id[r] = _mm512_load_si512(lay[r] + s * 32);
        w[r] = _mm512_load_ps(lay[r] + s * 32 + 16);
      }
#pragma GCC unroll 16
      for (int b = 0; b < BT; b++) {
        const __m512 lo = ld(xc + b * ldx, 0), hi = ld(xc + b * ldx + 16, 1);
        for (int r = 0; r < RB; r++) acc[b][r] = _mm512_fmadd_ps(_mm512_permutex2var_ps(lo, id[r], hi), w[r], acc[b][r]);
      }
    }
  }
}

// BT batch rows × RB row blocks over `cols` columns, S slots per chunk (0:
// any, given by S_any): y[b][16 lanes] (+)= init[r] + Σ_s perm(x[b] chunk) · w.
template <int CW, int BT, int RB, int S>
__attribute__((noinline)) void lanes_tile(const float* x, int64_t ldx, int64_t cols, int64_t spr, int64_t S_any,
                                          const float* const* lay, float* const* y, int64_t ldy, const __mmask16* keep,
                                          const __m512* init, bool accumulate) {
  const int64_t step = S > 0 ? S : S_any;
  __m512 acc[BT][RB];
  for (int b = 0; b < BT; b++) {
    for (int r = 0; r < RB; r++) acc[b][r] = init[r];
  }
  // Whole chunks: a fixed slot count keeps the accumulators in registers.
  const int64_t full = std::min(cols / CW, spr / step);
  for (int64_t c = 0; c < full; c++) {
    const int64_t s0 = c * (S > 0 ? S : step);
    lanes_chunk<CW, BT, RB, false>(x + c * CW, ldx, CW, lay, s0, s0 + (S > 0 ? S : step), acc);
  }
  // The last, partial chunk (K not a multiple of CW): x past K reads as zero.
  if (full * step < spr) lanes_chunk<CW, BT, RB, true>(x + full * CW, ldx, cols - full * CW, lay, full * step, spr, acc);
  for (int b = 0; b < BT; b++) {
    for (int r = 0; r < RB; r++) {
      float* p = y[r] + b * ldy;
      const __m512 v = accumulate ? _mm512_add_ps(acc[b][r], _mm512_maskz_loadu_ps(keep[r], p)) : acc[b][r];
      _mm512_mask_storeu_ps(p, keep[r], v);
    }
  }
}

// One tile with the slot count as a constant where it is a common one.
template <int CW, int BT, int RB>
void lanes_tile_any(const float* x, int64_t ldx, int64_t cols, int64_t spr, int64_t S, const float* const* lay, float* const* y,
                    int64_t ldy, const __mmask16* keep, const __m512* init, bool accumulate) {
  switch (S) {
    case 1: return lanes_tile<CW, BT, RB, 1>(x, ldx, cols, spr, S, lay, y, ldy, keep, init, accumulate);
    case 2: return lanes_tile<CW, BT, RB, 2>(x, ldx, cols, spr, S, lay, y, ldy, keep, init, accumulate);
    case 4: return lanes_tile<CW, BT, RB, 4>(x, ldx, cols, spr, S, lay, y, ldy, keep, init, accumulate);
    default: return lanes_tile<CW, BT, RB, 0>(x, ldx, cols, spr, S, lay, y, ldy, keep, init, accumulate);
  }
}

// Columns of x one batch tile reads per pass over the row blocks: the tile
// of x stays in L1 (BT·kc·4 bytes) while the row blocks sweep it.
constexpr int64_t kLanesTileBytes = 24 << 10;

// Batch rows [0, nb) against row blocks [0, nblk) (layouts spr·32 floats
// apart; the last one holds rows_left − 16·(nblk − 1) rows); the first K
// block's sums start from the rows' bias (null: zero).
template <int CW>
void lanes_run(const float* x, int64_t ldx, int64_t cols, int64_t nb, int n, int m, const float* lay, int64_t nblk,
               int64_t rows_left, const float* bias, float* y, int64_t ldy, bool accumulate) {
  constexpr int BT = kLanesBatch, RB = kLanesBlocks;
  const int64_t spr = cols / m * n;
  const int64_t S = static_cast<int64_t>(n) * CW / m;
  // K blocks of whole chunks; every block but the last adds onto y.
  const int64_t kc = std::max<int64_t>(CW, kLanesTileBytes / (BT * 4) / CW * CW);
  for (int64_t b0 = 0; b0 < nb;) {
    const int64_t left_b = nb - b0;
    // Tails of the batch take the largest power of two that fits.
    const int64_t step = left_b >= BT ? BT : left_b >= 4 ? 4 : left_b >= 2 ? 2 : 1;
    for (int64_t k0 = 0; k0 < cols; k0 += kc) {
      const int64_t nk = std::min(kc, cols - k0);
      const int64_t s0 = k0 / CW * S, ns = std::min(spr, (k0 + nk + CW - 1) / CW * S) - s0;
      const bool add = accumulate || k0 > 0;
      for (int64_t q = 0; q < nblk; q += RB) {
        const int rb = static_cast<int>(std::min<int64_t>(RB, nblk - q));
        const float* l[RB];
        float* yo[RB];
        __mmask16 keep[RB];
        __m512 init[RB];
        for (int r = 0; r < rb; r++) {
          l[r] = lay + (q + r) * spr * 32 + s0 * 32;
          yo[r] = y + b0 * ldy + (q + r) * 16;
          const int64_t left = std::min<int64_t>(16, rows_left - (q + r) * 16);
          keep[r] = static_cast<__mmask16>((1u << left) - 1);
          init[r] = bias != nullptr && k0 == 0 ? _mm512_maskz_loadu_ps(keep[r], bias + (q + r) * 16) : _mm512_setzero_ps();
        }
        const float* xb = x + b0 * ldx + k0;
        if (rb == RB) {
          if (step == BT) lanes_tile_any<CW, BT, RB>(xb, ldx, nk, ns, S, l, yo, ldy, keep, init, add);
          else if (step >= 4) lanes_tile_any<CW, 4, RB>(xb, ldx, nk, ns, S, l, yo, ldy, keep, init, add);
          else if (step == 2) lanes_tile_any<CW, 2, RB>(xb, ldx, nk, ns, S, l, yo, ldy, keep, init, add);
          else lanes_tile_any<CW, 1, RB>(xb, ldx, nk, ns, S, l, yo, ldy, keep, init, add);
        } else {
          if (step == BT) lanes_tile_any<CW, BT, 1>(xb, ldx, nk, ns, S, l, yo, ldy, keep, init, add);
          else if (step >= 4) lanes_tile_any<CW, 4, 1>(xb, ldx, nk, ns, S, l, yo, ldy, keep, init, add);
          else if (step == 2) lanes_tile_any<CW, 2, 1>(xb, ldx, nk, ns, S, l, yo, ldy, keep, init, add);
          else lanes_tile_any<CW, 1, 1>(xb, ldx, nk, ns, S, l, yo, ldy, keep, init, add);
        }
      }
    }
    b0 += step;
  }
}

void nm_lanes_impl(const float* x, int64_t ldx, int64_t cols, int64_t nb, int n, int m, const float* lay, int64_t nblk,
                   int64_t rows_left, const float* bias, float* y, int64_t ldy, bool accumulate) {
  if (m == 32) {
    lanes_run<32>(x, ldx, cols, nb, n, m, lay, nblk, rows_left, bias, y, ldy, accumulate);
  } else {
    lanes_run<16>(x, ldx, cols, nb, n, m, lay, nblk, rows_left, bias, y, ldy, accumulate);
  }
}

// Positions of the 16 slots from slot s0 (a multiple of 16, so they start
// on a byte) of one row stream, bits <= 5; bits past the row's end read as 0.
inline __m512i positions16(const uint8_t* row, int64_t row_bytes, int bits, int64_t s0) {
  const int64_t at = s0 * bits / 8;
  auto word = [&](int64_t byte) { return byte < row_bytes ? load64_upto(row + byte, row_bytes - byte) : uint64_t{0}; };
  const __m512i mask = _mm512_set1_epi32((1 << bits) - 1);
  if (bits <= 4) {
    // Eight slots fill at most 32 bits: lanes 0-7 from the low word, 8-15 from the next 8·bits bits.
    const uint64_t w = word(at);
    const __m512i both = _mm512_inserti32x8(_mm512_castsi256_si512(_mm256_set1_epi32(static_cast<int32_t>(w))),
                                            _mm256_set1_epi32(static_cast<int32_t>(w >> (8 * bits))), 1);
    const __m512i shift = _mm512_set_epi32(7, 6, 5, 4, 3, 2, 1, 0, 7, 6, 5, 4, 3, 2, 1, 0);
    return _mm512_and_si512(_mm512_srlv_epi32(both, _mm512_mullo_epi32(shift, _mm512_set1_epi32(bits))), mask);
  }
  // Five bits: eight slots span 40 bits, so shift 64-bit lanes.
  const __m512i sh = _mm512_set_epi64(35, 30, 25, 20, 15, 10, 5, 0);
  const __m256i lo = _mm512_cvtepi64_epi32(_mm512_srlv_epi64(_mm512_set1_epi64(static_cast<int64_t>(word(at))), sh));
  const __m256i hi = _mm512_cvtepi64_epi32(_mm512_srlv_epi64(_mm512_set1_epi64(static_cast<int64_t>(word(at + 5))), sh));
  return _mm512_and_si512(_mm512_inserti32x8(_mm512_castsi256_si512(lo), hi, 1), mask);
}

// One row block's layout from its first nr <= 16 rows (positions pos +
// r·row_bytes, values val + r·spr); base[s] = (s / n)·m as for decode.
void nm_lanes_layout_impl(const uint8_t* pos, int64_t row_bytes, int bits, const int32_t* base, int m, const float* val,
                          int64_t spr, int64_t nr, float* lay) {
  const __m512i cmask = _mm512_set1_epi32((m == 32 ? 32 : 16) - 1);
  alignas(64) float sq[16 * 16];
  alignas(64) float part[16 * 32];
  for (int64_t s0 = 0; s0 < spr; s0 += 16) {
    // Slots [s0, s0 + cnt); a short last step goes through `part`.
    const int64_t cnt = std::min<int64_t>(16, spr - s0);
    const __mmask16 k = static_cast<__mmask16>((1u << cnt) - 1);
    float* dst = cnt == 16 ? lay + s0 * 32 : part;
    // Column inside its chunk: the group's offset in the chunk plus the position.
    const __m512i chunk_base = _mm512_and_si512(_mm512_maskz_loadu_epi32(k, base + s0), cmask);
    for (int64_t r = 0; r < 16; r++) {
      const __m512i c = r < nr ? _mm512_add_epi32(chunk_base, positions16(pos + r * row_bytes, row_bytes, bits, s0)) : _mm512_setzero_si512();
      _mm512_store_si512(sq + r * 16, c);
    }
    transpose_square(sq, 16, dst, 32);
    if (nr == 16 && cnt == 16) {
      transpose_square(val + s0, spr, dst + 16, 32);
    } else {
      for (int64_t r = 0; r < 16; r++) _mm512_store_ps(sq + r * 16, r < nr ? _mm512_maskz_loadu_ps(k, val + r * spr + s0) : _mm512_setzero_ps());
      transpose_square(sq, 16, dst + 16, 32);
    }
    if (cnt < 16) std::memcpy(lay + s0 * 32, part, static_cast<size_t>(cnt) * 32 * sizeof(float));
  }
}
#endif

}  // namespace
}  // namespace sk
