// Batched fp32 GEMM, as src/kernels/ref/gemm.ts:
//   for b in [0, batch): C_b = alpha · op(A_b) · op(B_b) + beta · C_b
// M rows of C, N columns of C, K the reduction.
//   op(A): [M, K], stored [M, K] with row stride lda, or [K, M] when trans_a.
//   op(B): [K, N], stored [K, N] with row stride ldb, or [N, K] when trans_b.
//   C:     [M, N] with row stride ldc; the b-th matrices start at b · stride.
// beta = 0 never reads C (NaN there is ignored), as in BLAS.
//
// Design after GotoBLAS/BLIS (Goto & van de Geijn, "Anatomy of
// High-Performance Matrix Multiplication", TOMS 2008): op(B) is packed into
// KC×NR panels, op(A) into MR×KC panels, and an MR×NR register-blocked
// micro-kernel walks them. Each instruction set supplies its packing,
// micro-kernel and block sizes (a GemmIsa); gemm.cc picks one, splits the
// work between threads and owns the packing buffers.
#pragma once

#include <cstdint>

namespace sk {

// The caller guarantees that every element the sizes reach lies inside the
// buffers, that C overlaps neither A nor B, and that ldc >= n when m > 1.
// Uses the thread pool, so it must not be called from inside a parallel_for
// or parallel_run task (gemm_serial can).
void gemm(int64_t batch, bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          int64_t stride_a, int64_t lda, const float* b, int64_t stride_b, int64_t ldb, float beta, float* c,
          int64_t stride_c, int64_t ldc);

// One matrix (no batch) on the calling thread only, so it is safe inside a
// parallel_for or parallel_run task; each thread packs into its own buffers,
// grown on first use (std::bad_alloc when that fails).
void gemm_serial(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                 const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

// Rows of C at most for which the skinny path (no packing) runs.
constexpr int64_t kGemmSkinnyRows = 4;

// Rows of the active instruction set's micro-tile (MR): callers with a few
// rows past a multiple of it can send those to the skinny path instead.
int64_t gemm_tile_rows();

// One instruction set's half of the GEMM. Pointers passed to pack_a/pack_b
// address the first element of the block in storage order (so a transposed
// operand's block starts at a + p0·lda + i0); destinations are 64-byte aligned.
struct GemmIsa {
  int mr, nr;          // micro-tile of C held in registers
  int64_t mc, kc, nc;  // cache blocks: MC×KC of A (L2), KC×NR of B (L1), KC×NC of B (L3)
  // op(A)[0:mc, 0:kc] -> ceil(mc/mr) panels of kc×mr, zero-padded.
  void (*pack_a)(bool trans, const float* a, int64_t lda, int64_t mc, int64_t kc, float* dst);
  // op(B)[0:kc, 0:nc] -> ceil(nc/nr) panels of kc×nr, zero-padded.
  void (*pack_b)(bool trans, const float* b, int64_t ldb, int64_t kc, int64_t nc, float* dst);
  // C[0:mc, 0:nc] = alpha · Ap·Bp + beta · C over packed blocks (beta = 0 never reads C).
  void (*macro)(int64_t mc, int64_t nc, int64_t kc, const float* ap, const float* bp, float* c, int64_t ldc, float alpha,
                float beta);
  // Columns [0, nc) of C for m <= kGemmSkinnyRows rows, A not transposed
  // (row stride lda), B as stored; no packing (GEMV-like shapes).
  void (*skinny)(bool trans_b, int64_t m, int64_t nc, int64_t k, float alpha, const float* a, int64_t lda, const float* b,
                 int64_t ldb, float beta, float* c, int64_t ldc);
};

const GemmIsa& gemm_isa_portable();
const GemmIsa& gemm_isa_avx2();
const GemmIsa& gemm_isa_avx512();

}  // namespace sk
