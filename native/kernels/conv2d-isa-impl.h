// The instruction-set-specific half of the shifted-window convolution (see
// conv2d-isa.h) as templates. conv2d-isa.cc,
// conv2d-isa.avx2.cc and conv2d-isa.avx512.cc include this file and compile
// it with their own flags. Everything here has internal linkage and uses no
// std:: templates, so no copy built for one instruction set can be linked
// into another's caller.
//
// A Dots type provides the weight gradient's register tile,
//   Dots::tile<MO, MK>(q0, n, d, ldd, rows, c, ldc): C[0:MO, 0:MK] += D·rowsᵀ over [q0, q0 + n);
// GenericDots is plain C++ over 16 lanes that compilers vectorise.
// make_conv_isa pairs it with an output tile function.
#pragma once

#include <cstdint>

#include "conv2d-isa.h"

namespace sk {
namespace {

// The output tile in plain C++ that compilers vectorise along NR.
template <int MR, int NR>
void generic_tile(int64_t k, const float* ap, const float* const* rows, int64_t q, float* c, int64_t ldc, int64_t m, int64_t n) {
  float acc[MR][NR];
  for (int r = 0; r < MR; r++) {
    for (int t = 0; t < NR; t++) acc[r][t] = 0.0f;
  }
  for (int64_t p = 0; p < k; p++) {
    const float* b = rows[p] + q;
    for (int r = 0; r < MR; r++) {
      const float av = ap[p * MR + r];
      for (int t = 0; t < NR; t++) acc[r][t] += av * b[t];
    }
  }
  for (int64_t r = 0; r < m; r++) {
    for (int64_t t = 0; t < n; t++) c[r * ldc + t] = acc[r][t];
  }
}

struct GenericDots {
  template <int MO, int MK>
  static void tile(int64_t q0, int64_t n, const float* d, int64_t ldd, const float* const* rows, float* c, int64_t ldc) {
    constexpr int L = kConvDotLanes;
    float acc[MO][MK][L];
    for (int o = 0; o < MO; o++) {
      for (int k = 0; k < MK; k++) {
        for (int l = 0; l < L; l++) acc[o][k][l] = 0.0f;
      }
    }
    for (int64_t q = q0; q < q0 + n; q += L) {
      for (int o = 0; o < MO; o++) {
        const float* dq = d + o * ldd + q;
        for (int k = 0; k < MK; k++) {
          const float* xq = rows[k] + q;
          for (int l = 0; l < L; l++) acc[o][k][l] += dq[l] * xq[l];
        }
      }
    }
    for (int o = 0; o < MO; o++) {
      for (int k = 0; k < MK; k++) {
        float s = 0.0f;
        for (int l = 0; l < L; l++) s += acc[o][k][l];
        c[o * ldc + k] += s;
      }
    }
  }
};

// Tiles of 4 output channels × 6 weight columns, then the edges one at a time.
template <class Dots>
void dots_impl(int64_t m, int64_t nk, int64_t q0, int64_t n, const float* d, int64_t ldd, const float* const* rows, float* c,
               int64_t ldc) {
  constexpr int MO = 4;
  constexpr int MK = 6;
  int64_t o = 0;
  for (; o + MO <= m; o += MO) {
    int64_t k = 0;
    for (; k + MK <= nk; k += MK) Dots::template tile<MO, MK>(q0, n, d + o * ldd, ldd, rows + k, c + o * ldc + k, ldc);
    for (; k < nk; k++) Dots::template tile<MO, 1>(q0, n, d + o * ldd, ldd, rows + k, c + o * ldc + k, ldc);
  }
  for (; o < m; o++) {
    int64_t k = 0;
    for (; k + MK <= nk; k += MK) Dots::template tile<1, MK>(q0, n, d + o * ldd, ldd, rows + k, c + o * ldc + k, ldc);
    for (; k < nk; k++) Dots::template tile<1, 1>(q0, n, d + o * ldd, ldd, rows + k, c + o * ldc + k, ldc);
  }
}

template <int MR, int NR, class Dots>
ConvIsa make_conv_isa(void (*tile)(int64_t, const float*, const float* const*, int64_t, float*, int64_t, int64_t, int64_t)) {
  static_assert(NR <= kConvOverRead, "a tile reads at most kConvOverRead values past its first column");
  return ConvIsa{MR, NR, tile, dots_impl<Dots>};
}

}  // namespace
}  // namespace sk
