// The N:M forward on the row-block layout (see nm_blocks in spmm-isa.h and
// src/formats/nm-row-blocks.ts), included by spmm-impl.h: the AVX-512 kernel
// where the ISA has it, and a plain loop for the others.
// Internal linkage, as spmm-impl.h.
//
// Output rows in vector lanes, as the lane path, but from a layout made once
// (for a weight that no longer changes) and as compact as NMPacked: for
// each block of 16 rows and quad of 4 slots, the 4 slots' values (16 lanes
// each) and one word per lane whose byte j is the position of slot j inside
// its group. All 16 lanes of a slot share its group, so x's window for the
// slot is one vector (two for M = 32), and the position is the permute's
// index as it stands: vpermps reads only an index's low 4 bits (vpermt2ps 5),
// so a shift by 8 serves the next slot. A slot costs a value load, a window
// load, a permute and a multiply-add per batch row; the row-major kernel
// (spmm-nm-dot.h) spends about four times the shuffle-port work on the
// 128-column window a row's 16 slots span at 1:8.
//
// Shapes: lay [ceil(rows/16)][quads][80] floats (quads = ceil(spr/4)):
// floats 16j..16j+15 the values of slot 4u+j, 64..79 the position words;
// rows and slots past the end hold zeros. Any alignment works; 64 bytes
// (as the TypeScript side allocates it) keeps every load on one line. off[s] = first column of slot s's
// group, for s < 4·quads (padding slots repeat the last group).
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace sk {
namespace {

// Floats of one quad of one row block: 4 slots × 16 values, 16 position words.
constexpr int64_t kBlocksQuadFloats = 80;

#if defined(__AVX512F__)
// The layout is read once, in order: ask for it this many floats ahead (2.5 KB).
constexpr int64_t kBlocksLead = 8 * kBlocksQuadFloats;

// y rows b < NB (b·ldy apart), rows [16q, 16q + 16) ∩ [0, rows) of blocks
// [q0, q1): y = (accumulate ? y : 0) + (bias ? bias : 0) + Σ_s val · x_b[off[s] + pos],
// windows of W = 16 or 32 columns; xs[b]: batch row b of x, readable 32 floats past its end.
template <int W, int NB>
void blocks_avx512(const float* lay, int64_t quads, const int32_t* off, const float* const* xs, int64_t q0, int64_t q1,
                   int64_t rows, const float* bias, float* y, int64_t ldy, bool accumulate) {
  for (int64_t q = q0; q < q1; q++) {
    const int64_t left = rows - q * 16;
    const __mmask16 keep = static_cast<__mmask16>(left >= 16 ? 0xffff : (1u << left) - 1);
    // One accumulator per slot of the quad and batch row: a multiply-add's latency is hidden by the other three.
    __m512 acc[NB][4];
    for (int b = 0; b < NB; b++) {
      for (int j = 0; j < 4; j++) acc[b][j] = _mm512_setzero_ps();
    }
    const float* qv = lay + q * quads * kBlocksQuadFloats;
    for (int64_t u = 0; u < quads; u++, qv += kBlocksQuadFloats) {
      _mm_prefetch(reinterpret_cast<const char*>(qv + kBlocksLead), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(qv + kBlocksLead + 16), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(qv + kBlocksLead + 32), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(qv + kBlocksLead + 48), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(qv + kBlocksLead + 64), _MM_HINT_T0);
      __m512i idx = _mm512_loadu_si512(qv + 64);
#pragma GCC unroll 4
      for (int j = 0; j < 4; j++) {
        const int32_t o = off[4 * u + j];
        const __m512 v = _mm512_loadu_ps(qv + 16 * j);
#pragma GCC unroll 4
        for (int b = 0; b < NB; b++) {
          const __m512 g = W == 16 ? _mm512_permutexvar_ps(idx, _mm512_loadu_ps(xs[b] + o))
                                   : _mm512_permutex2var_ps(_mm512_loadu_ps(xs[b] + o), idx, _mm512_loadu_ps(xs[b] + o + 16));
          acc[b][j] = _mm512_fmadd_ps(v, g, acc[b][j]);
        }
        idx = _mm512_srli_epi32(idx, 8);
      }
    }
    for (int b = 0; b < NB; b++) {
      __m512 sum = _mm512_add_ps(_mm512_add_ps(acc[b][0], acc[b][1]), _mm512_add_ps(acc[b][2], acc[b][3]));
      if (bias != nullptr) sum = _mm512_add_ps(sum, _mm512_maskz_loadu_ps(keep, bias + q * 16));
      float* o = y + b * ldy + q * 16;
      if (accumulate) sum = _mm512_add_ps(sum, _mm512_maskz_loadu_ps(keep, o));
      _mm512_mask_storeu_ps(o, keep, sum);
    }
  }
}

template <int W>
void blocks_batch(const float* lay, int64_t quads, const int32_t* off, const float* const* xs, int64_t nb, int64_t q0,
                  int64_t q1, int64_t rows, const float* bias, float* y, int64_t ldy, bool accumulate) {
  switch (nb) {
    case 1: return blocks_avx512<W, 1>(lay, quads, off, xs, q0, q1, rows, bias, y, ldy, accumulate);
    case 2: return blocks_avx512<W, 2>(lay, quads, off, xs, q0, q1, rows, bias, y, ldy, accumulate);
    case 3: return blocks_avx512<W, 3>(lay, quads, off, xs, q0, q1, rows, bias, y, ldy, accumulate);
    default: return blocks_avx512<W, 4>(lay, quads, off, xs, q0, q1, rows, bias, y, ldy, accumulate);
  }
}

// The table entry: nb <= 4 batch rows, windows of w columns.
void blocks_impl(int w, const float* lay, int64_t quads, const int32_t* off, const float* const* xs, int64_t nb, int64_t q0,
                 int64_t q1, int64_t rows, const float* bias, float* y, int64_t ldy, bool accumulate) {
  if (w == 16) return blocks_batch<16>(lay, quads, off, xs, nb, q0, q1, rows, bias, y, ldy, accumulate);
  return blocks_batch<32>(lay, quads, off, xs, nb, q0, q1, rows, bias, y, ldy, accumulate);
}
#else
// y rows b < nb (b·ldy apart), rows [16q, 16q + 16) ∩ [0, rows) of blocks
// [q0, q1): y = (accumulate ? y : 0) + (bias ? bias : 0) + Σ_s val · x_b[off[s] + pos].
// xs[b]: batch row b of x, readable 32 floats past its end; a position reads
// its low log2(w) bits only, as the permutes do.
void blocks_impl(int w, const float* lay, int64_t quads, const int32_t* off, const float* const* xs, int64_t nb, int64_t q0,
                 int64_t q1, int64_t rows, const float* bias, float* y, int64_t ldy, bool accumulate) {
  for (int64_t q = q0; q < q1; q++) {
    for (int l = 0; l < 16 && q * 16 + l < rows; l++) {
      const int64_t r = q * 16 + l;
      for (int64_t b = 0; b < nb; b++) {
        float acc = bias != nullptr ? bias[r] : 0.0f;
        for (int64_t u = 0; u < quads; u++) {
          const float* qv = lay + (q * quads + u) * kBlocksQuadFloats;
          uint32_t word;
          std::memcpy(&word, qv + 64 + l, 4);
          for (int j = 0; j < 4; j++) acc += qv[16 * j + l] * xs[b][off[4 * u + j] + ((word >> (8 * j)) & (w - 1))];
        }
        float* o = y + b * ldy + r;
        *o = accumulate ? *o + acc : acc;
      }
    }
  }
}
#endif

}  // namespace
}  // namespace sk
