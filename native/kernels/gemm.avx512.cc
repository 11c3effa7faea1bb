// AVX-512 GEMM: a 14×32 micro-kernel, 28 zmm accumulators, two B vectors
// and A broadcast straight from memory into each FMA.
#include <immintrin.h>

#include "gemm-impl.h"

namespace sk {
namespace {

struct Avx512Kernel {
  static constexpr int MR = 14;
  static constexpr int NR = 32;

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
