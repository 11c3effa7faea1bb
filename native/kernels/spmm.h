// Sparse products of a Linear layer, as src/kernels/ref/spmm-{nm,csr,bsr}.ts:
//   forward          Y  = X·Wᵀ                  nm_spmm, csr_spmm, bsr_spmm
//   input gradient   dX = dY·W                  spmm_transposed, bsr_spmm_transposed
//   weight gradient  dW = dYᵀ·X at W's entries  nm_sddmm, csr_sddmm, bsr_sddmm
// Shapes: W [O, K] (rows O, cols K); X, dX [B, K]; Y, dY [B, O], row-major.
// `accumulate` adds onto the output instead of overwriting it.
//
// Design: for batches above kSpmmSkinnyBatch, X (or dY) is packed into
// panels of P batch rows stored transposed, [K][P], so that every stored
// weight is one broadcast times a P-wide vector row of the panel; the
// products land in a tile [rows][P] that is transposed back into Y. The
// panel is cut into K blocks that fit in L1 when rows hold enough weights per
// block to pay for it. Threads own disjoint ranges of output rows, balanced
// by stored weights. Small batches gather X directly (bandwidth-bound).
// The N:M forward at 1:2 to 1:8 (2:4, 1:4, 2:8, 1:8, 2:16) takes the
// wide-panel path on AVX-512 (spmm-nm-panel.h): panels twice as wide (or,
// at 1:8, K blocks twice as long) and columns decoded in registers, so a
// stored weight costs 9 loads for 8 multiply-adds instead of 6 for 4.
// Sparser patterns (1:16, 1:32, 3:32) take the lane path (spmm-nm-lanes.h):
// output rows in vector lanes, inputs picked by permutes, so X needs no
// panels and Y no transposes. The CSR forward's
// panels go their own way (spmm-csr.h): one row at a time off row_ptr, whole
// panels per thread, streaming stores for a large Y.
#pragma once

#include <cstdint>

namespace sk {

// Batches up to this size take the gather path (no packing).
constexpr int64_t kSpmmSkinnyBatch = 4;

// N:M, values [O, K/M, N], positions log2(M) bits per slot, one
// byte-aligned stream of row_bytes per row. Requires M a power of two
// (2..64) dividing K, 1 <= N < M. The forward adds bias [O] (null: none)
// to every batch row: the lane and wide-panel paths start their sums from it.
void nm_spmm(int64_t batch, int64_t rows, int64_t cols, int n, int m, const float* values, const uint8_t* positions,
             const float* x, const float* bias, float* y, bool accumulate);
// The same product on the row-block layout of an N:M weight (M <= 32; made
// once by src/formats/nm-row-blocks.ts, described in spmm-nm-blocks.h):
// lay [ceil(rows/16)][ceil(spr/4)][80] floats. For a weight that no longer
// changes, at batches up to 4, where the row-major layout's decoding costs
// more than its reading.
void nm_spmm_blocks(int64_t batch, int64_t rows, int64_t cols, int n, int m, const float* lay, const float* x,
                    const float* bias, float* y, bool accumulate);
void nm_sddmm(int64_t batch, int64_t rows, int64_t cols, int n, int m, const uint8_t* positions, const float* x,
              const float* dy, float* d_values, bool accumulate);

// CSR: row_ptr [O + 1] non-decreasing from 0, col_idx [nnz] in [0, K).
void csr_spmm(int64_t batch, int64_t rows, int64_t cols, const int32_t* row_ptr, const int32_t* col_idx,
              const float* values, const float* x, float* y, bool accumulate);
// The same product on the blocked layout of W (made once by
// src/formats/csr-blocks.ts): K blocks of block_cols columns; for block b,
// order and count [b·rows, (b+1)·rows) list every row once with how many of
// its entries fall in the block, rows of equal counts together, and those
// runs of (column, value) lie back to back in bcol and bval, block after
// block. Where the blocked path does not apply (panels that do not divide
// between the threads) the CSR arrays serve.
void csr_spmm_blocked(int64_t batch, int64_t rows, int64_t cols, const int32_t* row_ptr, const int32_t* col_idx,
                      const float* values, int64_t block_cols, const int32_t* order, const int32_t* count,
                      const int32_t* bcol, const float* bval, const float* x, float* y, bool accumulate);
void csr_sddmm(int64_t batch, int64_t rows, int64_t cols, const int32_t* row_ptr, const int32_t* col_idx, const float* x,
               const float* dy, float* d_values, bool accumulate);

// dX = dY·W through W's column-major index: t_ptr [K + 1], t_row [nnz] in
// [0, O), t_perm [nnz] in [0, nnz values).
void spmm_transposed(int64_t batch, int64_t rows, int64_t cols, const int32_t* t_ptr, const int32_t* t_row,
                     const int32_t* t_perm, const float* values, const float* dy, float* dx, bool accumulate);

// BSR with bh × bw blocks: row_ptr [O/bh + 1], col_idx [blocks] block
// columns, values [blocks, bh, bw]; the transposed form indexes block
// columns: t_ptr [K/bw + 1], t_row [blocks] block rows, t_perm [blocks].
void bsr_spmm(int64_t batch, int64_t rows, int64_t cols, int bh, int bw, const int32_t* row_ptr, const int32_t* col_idx,
              const float* values, const float* x, float* y, bool accumulate);
void bsr_sddmm(int64_t batch, int64_t rows, int64_t cols, int bh, int bw, const int32_t* row_ptr, const int32_t* col_idx,
               const float* x, const float* dy, float* d_values, bool accumulate);
void bsr_spmm_transposed(int64_t batch, int64_t rows, int64_t cols, int bh, int bw, const int32_t* t_ptr,
                         const int32_t* t_row, const int32_t* t_perm, const float* values, const float* dy, float* dx,
                         bool accumulate);

}  // namespace sk
