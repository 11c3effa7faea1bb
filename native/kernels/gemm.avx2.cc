// AVX2+FMA GEMM: a 6×16 micro-kernel, 12 ymm accumulators, two B vectors
// and one broadcast of A per row.
#include <immintrin.h>

#include "gemm-impl.h"

namespace sk {
namespace {

struct Avx2Kernel : GenericParts {
  static constexpr int MR = 6;
  static constexpr int NR = 16;

  static void run(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float alpha, float beta) {
    __m256 lo[MR];
    __m256 hi[MR];
    for (int r = 0; r < MR; r++) {
      lo[r] = _mm256_setzero_ps();
      hi[r] = _mm256_setzero_ps();
    }
    for (int r = 0; r < MR; r++) _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc), _MM_HINT_T0);
#pragma GCC unroll 4
    for (int64_t p = 0; p < kc; p++) {
      const __m256 b0 = _mm256_load_ps(b);
      const __m256 b1 = _mm256_load_ps(b + 8);
#pragma GCC unroll 6
      for (int r = 0; r < MR; r++) {
        const __m256 av = _mm256_broadcast_ss(a + r);
        lo[r] = _mm256_fmadd_ps(av, b0, lo[r]);
        hi[r] = _mm256_fmadd_ps(av, b1, hi[r]);
      }
      a += MR;
      b += NR;
    }
    const __m256 va = _mm256_set1_ps(alpha);
    if (beta == 0.0f) {
#pragma GCC unroll 6
      for (int r = 0; r < MR; r++) {
        _mm256_storeu_ps(c + r * ldc, _mm256_mul_ps(va, lo[r]));
        _mm256_storeu_ps(c + r * ldc + 8, _mm256_mul_ps(va, hi[r]));
      }
    } else {
      const __m256 vb = _mm256_set1_ps(beta);
#pragma GCC unroll 6
      for (int r = 0; r < MR; r++) {
        float* cr = c + r * ldc;
        _mm256_storeu_ps(cr, _mm256_fmadd_ps(va, lo[r], _mm256_mul_ps(vb, _mm256_loadu_ps(cr))));
        _mm256_storeu_ps(cr + 8, _mm256_fmadd_ps(va, hi[r], _mm256_mul_ps(vb, _mm256_loadu_ps(cr + 8))));
      }
    }
  }
};

}  // namespace

// MC×KC of A: 288×256×4 B = 288 KB in L2; KC×NR of B: 16 KB in L1.
const GemmIsa& gemm_isa_avx2() {
  static const GemmIsa isa = make_gemm_isa<Avx2Kernel>(288, 256, 4096);
  return isa;
}

}  // namespace sk
