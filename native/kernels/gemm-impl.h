// The instruction-set-specific half of the GEMM (see gemm.h): packing, the
// macro-kernel around a micro-kernel, and the skinny path. gemm.cc,
// gemm.avx2.cc and gemm.avx512.cc each include this file with their own
// micro-kernel and compile it with their own flags. Everything here has
// internal linkage and uses no std:: templates, so no copy built for one
// instruction set can be linked into another's caller.
//
// A micro-kernel UK provides MR, NR,
//   UK::run(kc, ap, bp, c, ldc, alpha, beta): C[0:MR, 0:NR] = alpha·Σ_p ap[p]⊗bp[p] + beta·C
// over packed panels ap (kc×MR) and bp (kc×NR, 64-byte aligned), beta = 0
// never reading C, UK::pack_transpose<R> (see below) and UK::skinny (see
// GemmIsa::skinny); GenericParts gives plain versions of the last two.
#pragma once

#include <cstdint>
#include <cstring>

#include "gemm.h"

namespace sk {
namespace {

inline int64_t min64(int64_t x, int64_t y) { return x < y ? x : y; }

// C = alpha·acc + beta·C for one element, beta = 0 ignoring C.
inline float blend(float acc, float alpha, float beta, float c) { return beta == 0.0f ? alpha * acc : alpha * acc + beta * c; }

// Packing moves a block of op(X) into panels of R rows (R = MR for A, NR for
// B): panel q holds rows [q·R, q·R + R) of the block, one R-vector per step
// along the other dimension, zero-padded past the block's end.
//   runs: the R values of one step are contiguous in storage (op(A) stored
//         [K, M], op(B) stored [K, N]); copied a step at a time across a few
//         panels, so each stored row is read front to back.
//   transpose: each of the R rows is contiguous along the steps (op(A) stored
//         [M, K], op(B) stored [N, K]); read 16 steps of a row at a time, so
//         each cache line is read once even when rows alias in the cache.
template <int R>
void pack_runs(const float* x, int64_t ld, int64_t rows, int64_t steps, float* dst) {
  constexpr int64_t kGroup = 8 * R;  // values of a stored row read per pass
  constexpr int64_t kAhead = 4;      // rows prefetched ahead
  for (int64_t g0 = 0; g0 < rows; g0 += kGroup) {
    const int64_t g1 = min64(rows, g0 + kGroup);
    for (int64_t p = 0; p < steps; p++) {
      const float* src = x + p * ld;
      // Stored rows lie a page or more apart, where hardware prefetchers stop.
      if (p + kAhead < steps) {
        for (int64_t l = g0; l < g1; l += 16) __builtin_prefetch(src + kAhead * ld + l);
      }
      for (int64_t i0 = g0; i0 < g1; i0 += R) {
        float* d = dst + i0 * steps + p * R;
        const int64_t n = min64(R, rows - i0);
        if (n == R) {
          // A constant-size copy compiles to whole-vector moves (the element loop stayed scalar).
          std::memcpy(d, src + i0, R * sizeof(float));
        } else {
          for (int64_t r = 0; r < n; r++) d[r] = src[i0 + r];
          for (int64_t r = n; r < R; r++) d[r] = 0.0f;
        }
      }
    }
  }
}

template <int R>
void pack_transpose_generic(const float* x, int64_t ld, int64_t rows, int64_t steps, float* dst) {
  constexpr int64_t kRun = 16;
  for (int64_t i0 = 0; i0 < rows; i0 += R, dst += steps * R) {
    const int64_t n = min64(R, rows - i0);
    for (int64_t p0 = 0; p0 < steps; p0 += kRun) {
      const int64_t len = min64(kRun, steps - p0);
      for (int64_t r = 0; r < n; r++) {
        const float* src = x + (i0 + r) * ld + p0;
        float* d = dst + p0 * R + r;
        for (int64_t p = 0; p < len; p++) d[p * R] = src[p];
      }
      for (int64_t p = 0; p < len; p++) {
        for (int64_t r = n; r < R; r++) dst[(p0 + p) * R + r] = 0.0f;
      }
    }
  }
}

template <class UK>
void pack_a_impl(bool trans, const float* a, int64_t lda, int64_t mc, int64_t kc, float* dst) {
  if (trans) pack_runs<UK::MR>(a, lda, mc, kc, dst);
  else UK::template pack_transpose<UK::MR>(a, lda, mc, kc, dst);
}

template <class UK>
void pack_b_impl(bool trans, const float* b, int64_t ldb, int64_t kc, int64_t nc, float* dst) {
  if (trans) UK::template pack_transpose<UK::NR>(b, ldb, nc, kc, dst);
  else pack_runs<UK::NR>(b, ldb, nc, kc, dst);
}

template <class UK>
void macro_impl(int64_t mc, int64_t nc, int64_t kc, const float* ap, const float* bp, float* c, int64_t ldc, float alpha,
                float beta) {
  constexpr int MR = UK::MR;
  constexpr int NR = UK::NR;
  alignas(64) float tile[MR * NR];
  for (int64_t jr = 0; jr < nc; jr += NR) {
    const int64_t cols = min64(NR, nc - jr);
    const float* b = bp + jr * kc;
    for (int64_t ir = 0; ir < mc; ir += MR) {
      const int64_t rows = min64(MR, mc - ir);
      const float* a = ap + ir * kc;
      float* cc = c + ir * ldc + jr;
      if (rows == MR && cols == NR) {
        UK::run(kc, a, b, cc, ldc, alpha, beta);
      } else {
        // Edge tile: compute the whole padded tile aside, then write the part inside C.
        UK::run(kc, a, b, tile, NR, 1.0f, 0.0f);
        for (int64_t i = 0; i < rows; i++) {
          for (int64_t j = 0; j < cols; j++) cc[i * ldc + j] = blend(tile[i * NR + j], alpha, beta, cc[i * ldc + j]);
        }
      }
    }
  }
}

// Skinny path, C rows fixed at M: dot products when B is stored [N, K]
// (16 partial sums per dot), row updates when B is stored [K, N].
template <int M>
void skinny_rows(bool trans_b, int64_t nc, int64_t k, float alpha, const float* a, int64_t lda, const float* b,
                 int64_t ldb, float beta, float* c, int64_t ldc) {
  if (trans_b) {
    constexpr int L = 16;
    for (int64_t j = 0; j < nc; j++) {
      const float* bj = b + j * ldb;
      float acc[M][L];
      for (int i = 0; i < M; i++) {
        for (int l = 0; l < L; l++) acc[i][l] = 0.0f;
      }
      int64_t p = 0;
      for (; p + L <= k; p += L) {
        for (int i = 0; i < M; i++) {
          const float* ai = a + i * lda + p;
          for (int l = 0; l < L; l++) acc[i][l] += ai[l] * bj[p + l];
        }
      }
      for (int i = 0; i < M; i++) {
        float s = 0.0f;
        for (int l = 0; l < L; l++) s += acc[i][l];
        for (int64_t q = p; q < k; q++) s += a[i * lda + q] * bj[q];
        c[i * ldc + j] = blend(s, alpha, beta, c[i * ldc + j]);
      }
    }
  } else {
    constexpr int64_t W = 512;
    alignas(64) float acc[M][W];
    for (int64_t j0 = 0; j0 < nc; j0 += W) {
      const int64_t w = min64(W, nc - j0);
      for (int i = 0; i < M; i++) {
        for (int64_t j = 0; j < w; j++) acc[i][j] = 0.0f;
      }
      for (int64_t p = 0; p < k; p++) {
        const float* bp = b + p * ldb + j0;
        for (int i = 0; i < M; i++) {
          const float ai = a[i * lda + p];
          float* row = acc[i];
          for (int64_t j = 0; j < w; j++) row[j] += ai * bp[j];
        }
      }
      for (int i = 0; i < M; i++) {
        float* cr = c + i * ldc + j0;
        for (int64_t j = 0; j < w; j++) cr[j] = blend(acc[i][j], alpha, beta, cr[j]);
      }
    }
  }
}

void skinny_generic(bool trans_b, int64_t m, int64_t nc, int64_t k, float alpha, const float* a, int64_t lda,
                    const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  static_assert(kGemmSkinnyRows == 4, "skinny_generic handles 1 to 4 rows");
  switch (m) {
    case 1: skinny_rows<1>(trans_b, nc, k, alpha, a, lda, b, ldb, beta, c, ldc); break;
    case 2: skinny_rows<2>(trans_b, nc, k, alpha, a, lda, b, ldb, beta, c, ldc); break;
    case 3: skinny_rows<3>(trans_b, nc, k, alpha, a, lda, b, ldb, beta, c, ldc); break;
    default: skinny_rows<4>(trans_b, nc, k, alpha, a, lda, b, ldb, beta, c, ldc); break;
  }
}

// The plain packing transpose and skinny path, for micro-kernels without their own.
struct GenericParts {
  template <int R>
  static void pack_transpose(const float* x, int64_t ld, int64_t rows, int64_t steps, float* dst) {
    pack_transpose_generic<R>(x, ld, rows, steps, dst);
  }
  static void skinny(bool trans_b, int64_t m, int64_t nc, int64_t k, float alpha, const float* a, int64_t lda,
                     const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
    skinny_generic(trans_b, m, nc, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }
};

// The GemmIsa of a micro-kernel with its cache blocks.
template <class UK>
GemmIsa make_gemm_isa(int64_t mc, int64_t kc, int64_t nc) {
  static_assert(UK::MR > 0 && UK::NR > 0, "micro-tile sizes");
  return GemmIsa{UK::MR, UK::NR, mc, kc, nc, pack_a_impl<UK>, pack_b_impl<UK>, macro_impl<UK>, UK::skinny};
}

}  // namespace
}  // namespace sk
