// One instruction set's half of the sparse products (see spmm.h): panel
// packing and unpacking, and the inner loops over stored weights. The
// drivers (spmm-rows.cc, spmm-bsr.cc) pick a table, split the work between
// threads and own the buffers; spmm-impl.h fills a table for each ISA.
//
// A panel holds up to P = 4 · lanes batch rows transposed, [K][P]; a panel
// narrower than P uses V = ceil(width / lanes) vectors per row (index V-1
// below), the unused lanes zero. Tiles hold one P-float row per output row.
#pragma once

#include <cstdint>

namespace sk {

constexpr int kSpmmMaxRows = 4;     // output rows one element- or block-row call handles
constexpr int kSpmmMaxPanels = 4;   // panels one sddmm call reduces over

struct SpmmIsa {
  int lanes;  // floats per vector
  int panel;  // P: floats per panel row (4 vectors)
  // x[0:nb, 0:nk] (row stride ldx) -> dst [nk][pw], lanes nb..pw zero (pw a multiple of lanes).
  void (*pack)(const float* x, int64_t ldx, int64_t nb, int64_t nk, float* dst, int64_t pw);
  // y[0:nb, 0:no] (row stride ldy) = (accumulate ? y : 0) + tile[0:no][0:nb] (tile rows pw apart).
  void (*unpack)(const float* tile, int64_t no, int64_t nb, float* y, int64_t ldy, bool accumulate, int64_t pw);
  // tile[r] = (load ? tile[r] : 0) + Σ_{s < count[r]} val[r][s] · xp[col[r][s]], for R = index + 1 rows.
  void (*rows[4][kSpmmMaxRows])(const float* xp, const int32_t* const* col, const float* const* val, const int64_t* count,
                                float* const* tile, bool load);
  // Block rows: for the R = index + 1 rows r of one block row, over `count`
  // blocks t (block index blk ? blk[t] : first + t, block column bcol[t]):
  // tile[r] = (load ? tile[r] : 0) + Σ_t Σ_{j < bw} w(t, r, j) · xp[bcol[t]·bw + j],
  // w(t, r, j) = val[index·bstride + r·rstride + j·cstride].
  void (*blocks[4][kSpmmMaxRows])(const float* xp, const int32_t* bcol, const int32_t* blk, int64_t first, int64_t count,
                                  int bw, const float* val, int64_t bstride, int64_t rstride, int64_t cstride,
                                  float* const* tile, bool load);
  // out[s] = (accumulate ? out[s] : 0) + Σ_p dy[p] · xp[p][col[s]] over NP = index + 1
  // full panels (dy[p]: one P-float panel row).
  void (*sddmm[kSpmmMaxPanels])(const float* const* xp, const float* const* dy, const int32_t* col, int64_t count,
                                float* out, bool accumulate);
  // out[b·ldo] = (accumulate ? out[b·ldo] : 0) + Σ_s val[s] · x[b·ldx + col[s]] for b < nb (gather path).
  void (*gather)(int64_t nb, const float* x, int64_t ldx, const int32_t* col, const float* val, int64_t count,
                 float* out, int64_t ldo, bool accumulate);
  // Columns of N:M slots [s0, s1) of one row: base[s] + the log2(M)-bit position
  // of slot s in `row` (row_bytes long).
  void (*decode)(const uint8_t* row, int64_t row_bytes, int bits, const int32_t* base, int64_t s0, int64_t s1,
                 int32_t* out);
  // nr N:M rows at small batch, as gather but reading the positions itself
  // (row r: pos + r·row_bytes, val + r·spr, out + r); null where the ISA lacks
  // it, and usable only when nm_dot_fits(n, m).
  void (*nm_dot)(const uint8_t* pos, int64_t row_bytes, int bits, int n, int m, const float* val, int64_t spr, int64_t nr,
                 const float* x, int64_t ldx, int64_t nb, float* out, int64_t ldo, bool accumulate);
  // The lane path of the N:M forward (spmm-nm-lanes.h; null where the ISA
  // lacks it, usable only when nm_lanes_fits(m)): batch rows [0, nb) of x
  // (row stride ldx, cols wide) against nblk row blocks laid out by
  // nm_lanes_layout (spr·32 floats each, spr = cols/m·n); y + 16q is block q's
  // first output (row stride ldy) and rows_left counts the rows from block 0 on;
  // bias (null: none) holds block 0's first row's bias, added to every output.
  void (*nm_lanes)(const float* x, int64_t ldx, int64_t cols, int64_t nb, int n, int m, const float* lay, int64_t nblk,
                   int64_t rows_left, const float* bias, float* y, int64_t ldy, bool accumulate);
  // One row block's layout from its first nr <= 16 rows (positions pos + r·row_bytes,
  // values val + r·spr, base as decode's).
  void (*nm_lanes_layout)(const uint8_t* pos, int64_t row_bytes, int bits, const int32_t* base, int m, const float* val,
                          int64_t spr, int64_t nr, float* lay);
  // The wide-panel path of the N:M forward (spmm-nm-panel.h; null where the ISA
  // lacks it, usable only when nm_panel_fits(n, m)): rows [0, nr) (positions
  // pos + r·row_bytes, in a buffer ending at pos_end; values val + r·spr) over
  // slots [s0, s1), s0 at a 64-column boundary: tile[r·16v] = (load ? tile :
  // bias ? bias[r] : 0) + Σ_s val · xp[col(s)·16v], xp one panel [cols][16v]
  // for v = 1, 2, 4 or 8.
  void (*nm_panel)(int n, int m, int v, const float* xp, const uint8_t* pos, const uint8_t* pos_end, int64_t row_bytes,
                   const float* val, int64_t spr, int64_t nr, int64_t s0, int64_t s1, const float* bias, float* tile,
                   bool load);
  // The N:M forward on the row-block layout (spmm-nm-blocks.h; every ISA):
  // y rows b < nb <= 4 (ldy apart), output rows of blocks [q0, q1) of 16,
  // from x rows xs[b] (readable 32 floats past their end) through windows of
  // w = 16 or 32 columns starting at off[s] for slot s.
  void (*nm_blocks)(int w, const float* lay, int64_t quads, const int32_t* off, const float* const* xs, int64_t nb,
                    int64_t q0, int64_t q1, int64_t rows, const float* bias, float* y, int64_t ldy, bool accumulate);
  // As unpack, but whole squares bypass the caches (for outputs larger than L2); null where the ISA lacks it.
  void (*unpack_stream)(const float* tile, int64_t no, int64_t nb, float* y, int64_t ldy, bool accumulate, int64_t pw);
};

// Patterns the wide-panel path takes (instantiated in spmm-nm-panel.h): the positions of 64 columns' slots
// fill at most one 64-bit word, and at most one weight in 8 (1:8, 2:16) is the sparsest that beats the lane path.
// Columns of one K block of the wide-panel path for panels of v vectors:
// whole 64-column chunks whose panel rows fill 32 KB of L1 (128 at v = 4).
constexpr int64_t nm_panel_block_cols(int v) {
  return (32 << 10) / (64 * v * 64) > 1 ? (32 << 10) / (64 * v * 64) * 64 : 64;
}

inline bool nm_panel_fits(int n, int m) {
  return (n == 1 && (m == 2 || m == 4 || m == 8)) || (n == 2 && (m == 4 || m == 8 || m == 16));
}

// Group sizes the lane path handles: a group lies inside one chunk of 16 columns, or is the chunk of 32.
inline bool nm_lanes_fits(int m) { return m >= 2 && m <= 32; }

// Patterns nm_dot handles: n divides 16, at most 5 position bits, 16 slots spanning at most 512 columns.
inline bool nm_dot_fits(int n, int m) { return 16 % n == 0 && m <= 32 && 16 * m / n <= 512; }

const SpmmIsa& spmm_isa_portable();
const SpmmIsa& spmm_isa_avx2();
const SpmmIsa& spmm_isa_avx512();
// The table of the active instruction set.
const SpmmIsa& spmm_isa();

}  // namespace sk
