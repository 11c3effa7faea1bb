// The wide-panel path of the N:M forward on AVX-512 (see nm_panel in
// spmm-isa.h), included by spmm-impl.h; elsewhere the table's entry stays null.
// Internal linkage, as spmm-impl.h.
//
// Batch rows in lanes, as the generic panel path (spmm-impl.h rows_impl),
// with two changes that the load ports pay for (2 loads per cycle against 2
// multiply-adds): panel rows are V = 8 vectors wide (128 batch rows), so the
// broadcast of each weight feeds 8 multiply-adds instead of 4 (at one weight
// in 8 the driver takes V = 4 and K blocks twice as long instead); and columns
// come straight from the packed positions: one 64-bit word per row holds the
// positions of the slots covering 64 columns, and a slot's column is its
// group's (constant) offset plus a shift and a mask, with no index load. A
// stored weight thus costs 9 loads for 8 multiply-adds instead of 6 for 4.
// Full K blocks run loops of constant trip counts, one function per block
// kind, so that no exit is mispredicted and the set-up of each group of rows
// is hoisted (1:8 at 3072×768, batch 256: 2.0 → 1.8 ms).
//
// Shapes: xp [cols][PW] (one panel, PW = 16·V batch rows transposed), tile
// rows PW floats; row r's positions pos + r·row_bytes (log2 M bits a slot),
// values val + r·spr.
#pragma once

#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace sk {
namespace {

#if defined(__AVX512F__)
// Columns covered by one word of positions.
constexpr int kPanelChunkCols = 64;

constexpr int log2_of(int m) { return m <= 1 ? 0 : 1 + log2_of(m / 2); }

// R rows over slots [s0, s1) (s0 at a chunk boundary): tile[r] = (LOAD ? tile[r] : bias ? bias[r] : 0) + Σ_s val · xp[col(s)].
// CHUNKS > 0: the span is exactly that many whole chunks (a full K block), so
// every loop below has a constant trip count.
template <int N, int M, int V, int R, bool LOAD, int CHUNKS>
__attribute__((always_inline)) inline void nm_panel_group(const float* xp, const uint8_t* pos, const uint8_t* pos_end,
                                                         int64_t row_bytes, const float* val, int64_t spr, int64_t s0,
                                                         int64_t s1, const float* bias, float* tile) {
  constexpr int B = log2_of(M);
  constexpr int C = kPanelChunkCols * N / M;  // slots a word holds
  constexpr int64_t PW = 16 * V;
  // Byte offset of a column's panel row: (column << SH).
  constexpr int SH = log2_of(PW * 4);
  if (CHUNKS > 0) s1 = s0 + CHUNKS * C;
  __m512 acc[R][V];
#pragma GCC unroll 4
  for (int r = 0; r < R; r++) {
#pragma GCC unroll 8
    for (int j = 0; j < V; j++) {
      acc[r][j] = LOAD ? _mm512_loadu_ps(tile + r * PW + 16 * j) : bias != nullptr ? _mm512_set1_ps(bias[r]) : _mm512_setzero_ps();
    }
  }
  const float* w[R];
  for (int r = 0; r < R; r++) w[r] = val + r * spr + s0;
  // The values of the next K block stream in while this one runs: a tile of
  // rows lies between two uses of a row, too far for the hardware to guess.
  for (int r = 0; r < R; r++) {
    if (s1 < spr) _mm_prefetch(reinterpret_cast<const char*>(w[r] + (s1 - s0)), _MM_HINT_T1);
  }
  const char* xc = reinterpret_cast<const char*>(xp + s0 / N * M * PW);
  const uint8_t* at = pos + s0 * B / 8;
  int64_t s = s0;
  for (; CHUNKS > 0 ? s < s1 : s + C <= s1; s += C, xc += kPanelChunkCols * PW * 4, at += C * B / 8) {
    asm("" : "+r"(xc));
    uint64_t word[R];
    // Rows lie back to back, so a word may run into the next row (whose bits reach no slot); only the last row's last
    // words are read short.
    for (int r = 0; r < R; r++) word[r] = load64_upto(at + r * row_bytes, pos_end - (at + r * row_bytes));
#pragma GCC unroll 64
    for (int c = 0; c < C; c++) {
#pragma GCC unroll 4
      for (int r = 0; r < R; r++) {
        // Position c·B..c·B+B of the word, moved straight to a byte offset: a shift, a mask and an add.
        const int d = c * B - SH;  // a constant once the loop is unrolled
        const uint64_t off = (d >= 0 ? word[r] >> d : word[r] << -d) & (static_cast<uint64_t>(M - 1) << SH);
        const float* x = reinterpret_cast<const float*>(xc + off) + c / N * M * PW;
        // One base register for the V loads (see rows_impl).
        asm("" : "+r"(x));
        const __m512 ws = _mm512_set1_ps(w[r][s - s0 + c]);
#pragma GCC unroll 8
        for (int j = 0; j < V; j++) acc[r][j] = _mm512_fmadd_ps(ws, _mm512_loadu_ps(x + 16 * j), acc[r][j]);
      }
    }
  }
  if (CHUNKS == 0 && s < s1) {
    // The last chunk of a row whose columns are not a multiple of 64.
    const float* xl = reinterpret_cast<const float*>(xc);
    uint64_t word[R];
    for (int r = 0; r < R; r++) word[r] = load64_upto(at + r * row_bytes, pos_end - (at + r * row_bytes));
    // Rows innermost, so that acc is indexed by constants only and stays in registers.
    for (int64_t c = 0; c < s1 - s; c++) {
#pragma GCC unroll 4
      for (int r = 0; r < R; r++) {
        const float* x = xl + (c / N * M + static_cast<int64_t>((word[r] >> (c * B)) & (M - 1))) * PW;
        const __m512 ws = _mm512_set1_ps(w[r][s - s0 + c]);
#pragma GCC unroll 8
        for (int j = 0; j < V; j++) acc[r][j] = _mm512_fmadd_ps(ws, _mm512_loadu_ps(x + 16 * j), acc[r][j]);
      }
    }
  }
#pragma GCC unroll 4
  for (int r = 0; r < R; r++) {
#pragma GCC unroll 8
    for (int j = 0; j < V; j++) _mm512_storeu_ps(tile + r * PW + 16 * j, acc[r][j]);
  }
}

// nr rows, three at a time, then one at a time; one function per variant so
// that the groups' set-up is hoisted out of the row loop.
template <int N, int M, int V, bool LOAD, int CHUNKS>
void nm_panel_rows(const float* xp, const uint8_t* pos, const uint8_t* pos_end, int64_t row_bytes, const float* val,
                   int64_t spr, int64_t nr, int64_t s0, int64_t s1, const float* bias, float* tile) {
  constexpr int64_t PW = 16 * V;
  int64_t r = 0;
  for (; r + 3 <= nr; r += 3) {
    nm_panel_group<N, M, V, 3, LOAD, CHUNKS>(xp, pos + r * row_bytes, pos_end, row_bytes, val + r * spr, spr, s0, s1,
                                             bias == nullptr ? nullptr : bias + r, tile + r * PW);
  }
  for (; r < nr; r++) {
    nm_panel_group<N, M, V, 1, LOAD, CHUNKS>(xp, pos + r * row_bytes, pos_end, row_bytes, val + r * spr, spr, s0, s1,
                                             bias == nullptr ? nullptr : bias + r, tile + r * PW);
  }
}

// Full K blocks take constant-trip loops; other spans the general ones.
template <int N, int M, int V>
void nm_panel_span(const float* xp, const uint8_t* pos, const uint8_t* pos_end, int64_t row_bytes, const float* val,
                   int64_t spr, int64_t nr, int64_t s0, int64_t s1, const float* bias, float* tile, bool load_tile) {
  constexpr int kChunks = static_cast<int>(nm_panel_block_cols(V) / kPanelChunkCols);
  if (s1 - s0 == kChunks * kPanelChunkCols * N / M) {
    return load_tile ? nm_panel_rows<N, M, V, true, kChunks>(xp, pos, pos_end, row_bytes, val, spr, nr, s0, s1, bias, tile)
                     : nm_panel_rows<N, M, V, false, kChunks>(xp, pos, pos_end, row_bytes, val, spr, nr, s0, s1, bias, tile);
  }
  return load_tile ? nm_panel_rows<N, M, V, true, 0>(xp, pos, pos_end, row_bytes, val, spr, nr, s0, s1, bias, tile)
                   : nm_panel_rows<N, M, V, false, 0>(xp, pos, pos_end, row_bytes, val, spr, nr, s0, s1, bias, tile);
}

template <int N, int M>
void nm_panel_pattern(int v, const float* xp, const uint8_t* pos, const uint8_t* pos_end, int64_t row_bytes,
                      const float* val, int64_t spr, int64_t nr, int64_t s0, int64_t s1, const float* bias, float* tile,
                      bool load_tile) {
  switch (v) {
    case 1: return nm_panel_span<N, M, 1>(xp, pos, pos_end, row_bytes, val, spr, nr, s0, s1, bias, tile, load_tile);
    case 2: return nm_panel_span<N, M, 2>(xp, pos, pos_end, row_bytes, val, spr, nr, s0, s1, bias, tile, load_tile);
    case 4: return nm_panel_span<N, M, 4>(xp, pos, pos_end, row_bytes, val, spr, nr, s0, s1, bias, tile, load_tile);
    default: return nm_panel_span<N, M, 8>(xp, pos, pos_end, row_bytes, val, spr, nr, s0, s1, bias, tile, load_tile);
  }
}

// The table entry: dispatches on the pattern (nm_panel_fits) and V (1, 2, 4 or 8).
void nm_panel_impl(int n, int m, int v, const float* xp, const uint8_t* pos, const uint8_t* pos_end, int64_t row_bytes,
                   const float* val, int64_t spr, int64_t nr, int64_t s0, int64_t s1, const float* bias, float* tile,
                   bool load_tile) {
  switch (m * 4 + n) {
    case 2 * 4 + 1: return nm_panel_pattern<1, 2>(v, xp, pos, pos_end, row_bytes, val, spr, nr, s0, s1, bias, tile, load_tile);
    case 4 * 4 + 1: return nm_panel_pattern<1, 4>(v, xp, pos, pos_end, row_bytes, val, spr, nr, s0, s1, bias, tile, load_tile);
    case 4 * 4 + 2: return nm_panel_pattern<2, 4>(v, xp, pos, pos_end, row_bytes, val, spr, nr, s0, s1, bias, tile, load_tile);
    case 8 * 4 + 2: return nm_panel_pattern<2, 8>(v, xp, pos, pos_end, row_bytes, val, spr, nr, s0, s1, bias, tile, load_tile);
    case 8 * 4 + 1: return nm_panel_pattern<1, 8>(v, xp, pos, pos_end, row_bytes, val, spr, nr, s0, s1, bias, tile, load_tile);
    case 16 * 4 + 2: return nm_panel_pattern<2, 16>(v, xp, pos, pos_end, row_bytes, val, spr, nr, s0, s1, bias, tile, load_tile);
    default: return;
  }
}

// unpack_impl for outputs that do not fit in L2: whole 16×16 squares go to y by
// non-temporal stores, which skip reading y's lines before writing them (half
// the memory traffic); columns before y's first 64-byte boundary, batch tails
// and accumulation take unpack_impl.
void unpack_stream_impl(const float* tile, int64_t no, int64_t nb, float* y, int64_t ldy, bool accumulate, int64_t pw) {
  const uintptr_t addr = reinterpret_cast<uintptr_t>(y);
  if (accumulate || ldy % 16 != 0 || addr % 4 != 0) return unpack_impl(tile, no, nb, y, ldy, accumulate, pw);
  const int64_t head = std::min<int64_t>(no, static_cast<int64_t>((64 - addr % 64) % 64 / 4));
  const int64_t full_o = head + (no - head) / 16 * 16, full_b = nb / 16 * 16;
  if (head > 0) unpack_impl(tile, head, nb, y, ldy, false, pw);
  alignas(64) float sq[16 * 16];
  for (int64_t b0 = 0; b0 < full_b; b0 += 16) {
    for (int64_t o0 = head; o0 < full_o; o0 += 16) {
      transpose_square(tile + o0 * pw + b0, pw, sq, 16);
      float* yo = y + b0 * ldy + o0;
      for (int l = 0; l < 16; l++) _mm512_stream_ps(yo + l * ldy, _mm512_load_ps(sq + l * 16));
    }
  }
  _mm_sfence();
  if (full_b < nb) unpack_impl(tile + head * pw + full_b, full_o - head, nb - full_b, y + full_b * ldy + head, ldy, false, pw);
  if (full_o < no) unpack_impl(tile + full_o * pw, no - full_o, nb, y + full_o, ldy, false, pw);
}
#endif

}  // namespace
}  // namespace sk
