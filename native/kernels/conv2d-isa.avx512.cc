// AVX-512 parts of the shifted-window convolution (see conv2d-isa.h): an
// 8×48 output tile (24 zmm accumulators; per step of K three unaligned row
// loads and eight broadcasts of the weight) and a 4×6 weight-gradient tile
// (24 accumulators; per 16 columns six row loads and four loads of dy).
#include <immintrin.h>

#include "conv2d-isa-impl.h"

namespace sk {
namespace {

// Lanes [0, n) of a 16-lane vector, for n anywhere (clamped to 0 and 16).
inline __mmask16 first_lanes(int64_t n) {
  return n >= 16 ? static_cast<__mmask16>(0xFFFF) : n <= 0 ? static_cast<__mmask16>(0) : static_cast<__mmask16>((1u << n) - 1);
}

// The sum of the 16 lanes (not _mm512_reduce_add_ps, which GCC 12 flags as reading an uninitialised value).
inline float lane_sum(__m512 v) {
  const __m256 h = _mm256_add_ps(_mm512_castps512_ps256(v), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
  const __m128 f = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
  const __m128 e = _mm_add_ps(f, _mm_movehl_ps(f, f));
  return _mm_cvtss_f32(_mm_add_ss(e, _mm_movehdup_ps(e)));
}

constexpr int kTileRows = 8;
constexpr int kTileVectors = 3;

void tile(int64_t k, const float* ap, const float* const* rows, int64_t q, float* c, int64_t ldc, int64_t m, int64_t n) {
  __m512 acc[kTileRows][kTileVectors];
  for (int r = 0; r < kTileRows; r++) {
    for (int v = 0; v < kTileVectors; v++) acc[r][v] = _mm512_setzero_ps();
  }
  for (int64_t p = 0; p < k; p++, ap += kTileRows) {
    const float* b = rows[p] + q;
    __m512 bv[kTileVectors];
    for (int v = 0; v < kTileVectors; v++) bv[v] = _mm512_loadu_ps(b + 16 * v);
#pragma GCC unroll 8
    for (int r = 0; r < kTileRows; r++) {
      const __m512 av = _mm512_set1_ps(ap[r]);
      for (int v = 0; v < kTileVectors; v++) acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
    }
  }
  for (int r = 0; r < kTileRows && r < m; r++) {
    for (int v = 0; v < kTileVectors; v++) _mm512_mask_storeu_ps(c + r * ldc + 16 * v, first_lanes(n - 16 * v), acc[r][v]);
  }
}

struct Avx512Dots {
  template <int MO, int MK>
  static void tile(int64_t q0, int64_t n, const float* d, int64_t ldd, const float* const* rows, float* c, int64_t ldc) {
    __m512 acc[MO][MK];
    for (int o = 0; o < MO; o++) {
      for (int k = 0; k < MK; k++) acc[o][k] = _mm512_setzero_ps();
    }
    const float* x[MK];
    for (int k = 0; k < MK; k++) x[k] = rows[k];
    for (int64_t q = q0; q < q0 + n; q += 16) {
      __m512 xv[MK];
      for (int k = 0; k < MK; k++) xv[k] = _mm512_loadu_ps(x[k] + q);
      for (int o = 0; o < MO; o++) {
        const __m512 dv = _mm512_loadu_ps(d + o * ldd + q);
        for (int k = 0; k < MK; k++) acc[o][k] = _mm512_fmadd_ps(dv, xv[k], acc[o][k]);
      }
    }
    for (int o = 0; o < MO; o++) {
      for (int k = 0; k < MK; k++) c[o * ldc + k] += lane_sum(acc[o][k]);
    }
  }
};

}  // namespace

const ConvIsa& conv_isa_avx512() {
  static const ConvIsa isa = make_conv_isa<kTileRows, 16 * kTileVectors, Avx512Dots>(tile);
  return isa;
}

}  // namespace sk
