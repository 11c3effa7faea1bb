// The panel path of the CSR forward Y = X·Wᵀ (csr_spmm in spmm.h), W [O, K]
// in CSR, X [B, K], Y [B, O], for batches above kSpmmSkinnyBatch.
//
// Why it differs from the shared panel driver (spmm-rows.cc): at 95–99 %
// sparsity a row holds a few weights, so what a row costs besides its
// weights decides the speed, and the 3 MB inputs and outputs of a
// 3072×768 layer at batch 256 outgrow L2. So: one kernel call walks many
// rows straight off row_ptr (no per-row set-up), each row with two
// accumulator sets instead of a group of rows; when the batch panels divide
// evenly, each thread owns whole panels (packs its own, which stays in its
// L2, and needs no hand-off); and where X and Y together outgrow half of
// L2, Y is written with streaming stores, which skip reading its lines first. Rows
// dense enough (50–75 %) are cut into K blocks whose panel rows stay in L1;
// each row keeps a cursor from block to block, so the cut costs no pass
// over the column indices.
#pragma once

#include <cstdint>

namespace sk {

// One instruction set's kernels of the path. Panels and tiles as in spmm-isa.h.
struct CsrIsa {
  // Tile rows i < n (PW = (index + 1)·lanes floats each, back to back):
  // tile[i] = (load ? tile[i] : 0) + Σ val[s] · xp[col[s]] (xp rows PW floats
  // apart) over s from cur[i] up to end[i] or to the first col[s] >= bend;
  // cur[i] moves to where the row stopped.
  void (*rows[4])(const float* xp, int32_t* cur, const int32_t* end, int32_t bend, const int32_t* col, const float* val,
                  int64_t n, float* tile, bool load);
  // y[0:nb, 0:no] (row stride ldy) = tile[0:no][0:nb] (tile rows pw apart) with
  // cache-bypassing stores; y + b·ldy must be vector-aligned for every b.
  void (*unpack_stream)(const float* tile, int64_t no, int64_t nb, float* y, int64_t ldy, int64_t pw);
  // One K block of the blocked layout: for i < n, tile[order[i]] = (load ?
  // tile : 0) + Σ val[s] · xp[col[s]] over row order[i]'s run of count[i]
  // entries, the runs back to back from col and val; PW = (index + 1)·lanes.
  void (*sorted[4])(const float* xp, const int32_t* order, const int32_t* count, const int32_t* col, const float* val,
                    int64_t n, float* tile, bool load);
};

const CsrIsa& csr_isa_portable();
const CsrIsa& csr_isa_avx2();
const CsrIsa& csr_isa_avx512();

// Runs the product and returns true, or returns false having done nothing
// where the batch is small enough for the gather path.
bool csr_panel_product(int64_t batch, int64_t rows, int64_t cols, const int32_t* row_ptr, const int32_t* col_idx,
                       const float* values, const float* x, float* y, bool accumulate);

// The blocked path (csr_spmm_blocked in spmm.h), on the same terms; it also
// returns false where whole panels do not share out evenly between the threads.
bool csr_blocked_product(int64_t batch, int64_t rows, int64_t cols, int64_t block_cols, const int32_t* order,
                         const int32_t* count, const int32_t* bcol, const float* bval, const float* x, float* y,
                         bool accumulate);

}  // namespace sk
