// AVX-512 GEMM: a 14×32 micro-kernel (28 zmm accumulators, two B vectors,
// A broadcast from memory into each FMA), packing that transposes 16×16
// tiles in registers, and skinny-path tiles that read B unpacked.
#include <immintrin.h>

#include "gemm-impl.h"

namespace sk {
namespace {

// Transposes 16 rows of 16 floats in registers: v[j][i] = old v[i][j].
inline void transpose16(__m512 v[16]) {
  __m512 t[16];
  for (int i = 0; i < 8; i++) {
    t[2 * i] = _mm512_unpacklo_ps(v[2 * i], v[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(v[2 * i], v[2 * i + 1]);
  }
  // u[4g + c], lane L: rows 4g..4g+3 of column c + 4L.
  __m512 u[16];
  for (int g = 0; g < 4; g++) {
    const __m512d lo0 = _mm512_castps_pd(t[4 * g]);
    const __m512d hi0 = _mm512_castps_pd(t[4 * g + 1]);
    const __m512d lo1 = _mm512_castps_pd(t[4 * g + 2]);
    const __m512d hi1 = _mm512_castps_pd(t[4 * g + 3]);
    u[4 * g] = _mm512_castpd_ps(_mm512_unpacklo_pd(lo0, lo1));
    u[4 * g + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(lo0, lo1));
    u[4 * g + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(hi0, hi1));
    u[4 * g + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(hi0, hi1));
  }
  for (int c = 0; c < 4; c++) {
    const __m512 v0 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0x44);
    const __m512 v1 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0xEE);
    const __m512 w0 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0x44);
    const __m512 w1 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0xEE);
    v[c] = _mm512_shuffle_f32x4(v0, w0, 0x88);
    v[c + 4] = _mm512_shuffle_f32x4(v0, w0, 0xDD);
    v[c + 8] = _mm512_shuffle_f32x4(v1, w1, 0x88);
    v[c + 12] = _mm512_shuffle_f32x4(v1, w1, 0xDD);
  }
}

// Lanes [0, n) of a 16-lane vector, for n anywhere (clamped to 0 and 16).
inline __mmask16 first_lanes(int64_t n) {
  return n >= 16 ? static_cast<__mmask16>(0xFFFF) : n <= 0 ? static_cast<__mmask16>(0) : static_cast<__mmask16>((1u << n) - 1);
}

// C[i, 0:16] (masked) = alpha·acc + beta·C; beta = 0 never reads C.
inline void store_blend(float* c, __mmask16 mask, __m512 acc, __m512 va, __m512 vb, bool read_c) {
  const __m512 out = read_c ? _mm512_fmadd_ps(va, acc, _mm512_mul_ps(vb, _mm512_maskz_loadu_ps(mask, c))) : _mm512_mul_ps(va, acc);
  _mm512_mask_storeu_ps(c, mask, out);
}

// Skinny path, B stored [K, N]: an M × 16Q tile of C in registers over all of K.
template <int M, int Q>
void skinny_rows_kn(int64_t nc, int64_t k, float alpha, const float* a, int64_t lda, const float* b, int64_t ldb,
                    float beta, float* c, int64_t ldc) {
  const __m512 va = _mm512_set1_ps(alpha);
  const __m512 vb = _mm512_set1_ps(beta);
  for (int64_t j0 = 0; j0 < nc; j0 += 16 * Q) {
    __mmask16 mask[Q];
    for (int q = 0; q < Q; q++) mask[q] = first_lanes(nc - j0 - 16 * q);
    __m512 acc[M][Q];
    for (int i = 0; i < M; i++) {
      for (int q = 0; q < Q; q++) acc[i][q] = _mm512_setzero_ps();
    }
    const float* bp = b + j0;
    for (int64_t p = 0; p < k; p++, bp += ldb) {
      // Rows of B lie ldb apart, beyond the reach of hardware prefetchers.
      if (p + 8 < k) {
        for (int q = 0; q < Q; q++) _mm_prefetch(reinterpret_cast<const char*>(bp + 8 * ldb + 16 * q), _MM_HINT_T0);
      }
      __m512 bv[Q];
      for (int q = 0; q < Q; q++) bv[q] = _mm512_maskz_loadu_ps(mask[q], bp + 16 * q);
      for (int i = 0; i < M; i++) {
        const __m512 av = _mm512_set1_ps(a[i * lda + p]);
        for (int q = 0; q < Q; q++) acc[i][q] = _mm512_fmadd_ps(av, bv[q], acc[i][q]);
      }
    }
    for (int i = 0; i < M; i++) {
      for (int q = 0; q < Q; q++) store_blend(c + i * ldc + j0 + 16 * q, mask[q], acc[i][q], va, vb, beta != 0.0f);
    }
  }
}

// Skinny path, B stored [N, K]: dot products of M rows of A with J rows of
// B, 16 lanes each, summed across lanes at the end.
template <int M, int J>
void skinny_rows_nk(int64_t j0, int64_t j1, int64_t k, float alpha, const float* a, int64_t lda, const float* b,
                    int64_t ldb, float beta, float* c, int64_t ldc) {
  for (; j0 + J <= j1; j0 += J) {
    __m512 acc[M][J];
    for (int i = 0; i < M; i++) {
      for (int j = 0; j < J; j++) acc[i][j] = _mm512_setzero_ps();
    }
    for (int64_t p = 0; p < k; p += 16) {
      const __mmask16 mask = first_lanes(k - p);
      __m512 bv[J];
      for (int j = 0; j < J; j++) bv[j] = _mm512_maskz_loadu_ps(mask, b + (j0 + j) * ldb + p);
      for (int i = 0; i < M; i++) {
        const __m512 av = _mm512_maskz_loadu_ps(mask, a + i * lda + p);
        for (int j = 0; j < J; j++) acc[i][j] = _mm512_fmadd_ps(av, bv[j], acc[i][j]);
      }
    }
    for (int i = 0; i < M; i++) {
      for (int j = 0; j < J; j++) {
        float* cij = c + i * ldc + j0 + j;
        *cij = blend(_mm512_reduce_add_ps(acc[i][j]), alpha, beta, *cij);
      }
    }
  }
}

template <int M>
void skinny_tile(bool trans_b, int64_t nc, int64_t k, float alpha, const float* a, int64_t lda, const float* b,
                 int64_t ldb, float beta, float* c, int64_t ldc) {
  if (!trans_b) {
    skinny_rows_kn<M, M <= 2 ? 8 : 4>(nc, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  const int64_t wide = nc / 4 * 4;
  skinny_rows_nk<M, 4>(0, wide, k, alpha, a, lda, b, ldb, beta, c, ldc);
  skinny_rows_nk<M, 1>(wide, nc, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

struct Avx512Kernel {
  static constexpr int MR = 14;
  static constexpr int NR = 32;

  static void skinny(bool trans_b, int64_t m, int64_t nc, int64_t k, float alpha, const float* a, int64_t lda,
                     const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
    static_assert(kGemmSkinnyRows == 4, "skinny handles 1 to 4 rows");
    switch (m) {
      case 1: skinny_tile<1>(trans_b, nc, k, alpha, a, lda, b, ldb, beta, c, ldc); break;
      case 2: skinny_tile<2>(trans_b, nc, k, alpha, a, lda, b, ldb, beta, c, ldc); break;
      case 3: skinny_tile<3>(trans_b, nc, k, alpha, a, lda, b, ldb, beta, c, ldc); break;
      default: skinny_tile<4>(trans_b, nc, k, alpha, a, lda, b, ldb, beta, c, ldc); break;
    }
  }

  // Panels of R rows from R rows stored along the steps (see gemm-impl.h):
  // 16×16 tiles transposed in registers; masked loads zero the padding.
  template <int R>
  static void pack_transpose(const float* x, int64_t ld, int64_t rows, int64_t steps, float* dst) {
    for (int64_t i0 = 0; i0 < rows; i0 += R, dst += steps * R) {
      const int64_t n = min64(R, rows - i0);
      for (int64_t p0 = 0; p0 < steps; p0 += 16) {
        const int64_t len = min64(16, steps - p0);
        const __mmask16 load_mask = static_cast<__mmask16>((1u << len) - 1);
        for (int r0 = 0; r0 < R; r0 += 16) {
          __m512 v[16];
          for (int r = 0; r < 16; r++) {
            v[r] = r0 + r < n ? _mm512_maskz_loadu_ps(load_mask, x + (i0 + r0 + r) * ld + p0) : _mm512_setzero_ps();
          }
          transpose16(v);
          const int width = R - r0 < 16 ? R - r0 : 16;
          const __mmask16 store_mask = static_cast<__mmask16>((1u << width) - 1);
          for (int64_t p = 0; p < len; p++) _mm512_mask_storeu_ps(dst + (p0 + p) * R + r0, store_mask, v[p]);
        }
      }
    }
  }

  static void run(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float alpha, float beta) {
    __m512 lo[MR];
    __m512 hi[MR];
    for (int r = 0; r < MR; r++) {
      lo[r] = _mm512_setzero_ps();
      hi[r] = _mm512_setzero_ps();
    }
    for (int r = 0; r < MR; r++) {
      _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc + 16), _MM_HINT_T0);
    }
#pragma GCC unroll 2
    for (int64_t p = 0; p < kc; p++) {
      const __m512 b0 = _mm512_load_ps(b);
      const __m512 b1 = _mm512_load_ps(b + 16);
      _mm_prefetch(reinterpret_cast<const char*>(b + 8 * NR), _MM_HINT_T0);
#pragma GCC unroll 14
      for (int r = 0; r < MR; r++) {
        const __m512 av = _mm512_set1_ps(a[r]);
        lo[r] = _mm512_fmadd_ps(av, b0, lo[r]);
        hi[r] = _mm512_fmadd_ps(av, b1, hi[r]);
      }
      a += MR;
      b += NR;
    }
    const __m512 va = _mm512_set1_ps(alpha);
    if (beta == 0.0f) {
#pragma GCC unroll 14
      for (int r = 0; r < MR; r++) {
        _mm512_storeu_ps(c + r * ldc, _mm512_mul_ps(va, lo[r]));
        _mm512_storeu_ps(c + r * ldc + 16, _mm512_mul_ps(va, hi[r]));
      }
    } else {
      const __m512 vb = _mm512_set1_ps(beta);
#pragma GCC unroll 14
      for (int r = 0; r < MR; r++) {
        float* cr = c + r * ldc;
        _mm512_storeu_ps(cr, _mm512_fmadd_ps(va, lo[r], _mm512_mul_ps(vb, _mm512_loadu_ps(cr))));
        _mm512_storeu_ps(cr + 16, _mm512_fmadd_ps(va, hi[r], _mm512_mul_ps(vb, _mm512_loadu_ps(cr + 16))));
      }
    }
  }
};

}  // namespace

// MC×KC of A: 336×256×4 B = 336 KB in L2; KC×NR of B: 32 KB in L1.
const GemmIsa& gemm_isa_avx512() {
  static const GemmIsa isa = make_gemm_isa<Avx512Kernel>(336, 256, 4096);
  return isa;
}

}  // namespace sk
