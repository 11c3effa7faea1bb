// The instruction-set-specific half of the shifted-window convolution
// (conv2d-shifted.cc): a register tile of the output that reads its column
// matrix straight from shifted rows of padded images (no im2col, no
// packing), and the dot products of the weight gradient. conv2d-isa.cc,
// conv2d-isa.avx2.cc and conv2d-isa.avx512.cc each build one from
// conv2d-isa-impl.h with their own flags.
#pragma once

#include <cstdint>

namespace sk {

// ConvIsa::dots sums over multiples of this many columns.
constexpr int64_t kConvDotLanes = 16;
// Values a tile or a dot product may read past its last column (its products are never stored).
constexpr int64_t kConvOverRead = 64;

struct ConvIsa {
  int mr, nr;  // the output tile: mr channels × nr grid columns (nr <= kConvOverRead)
  // C[r, t] = Σ_{p < k} ap[p·mr + r] · rows[p][q + t] for r < m <= mr, t < n <= nr:
  // ap is mr rows of the weight packed along K, rows the shifted rows.
  void (*tile)(int64_t k, const float* ap, const float* const* rows, int64_t q, float* c, int64_t ldc, int64_t m, int64_t n);
  // C[o, k] += Σ_{q0 <= q < q0 + n} d[o·ldd + q] · rows[k][q] for o < m, k < nk;
  // n a multiple of kConvDotLanes.
  void (*dots)(int64_t m, int64_t nk, int64_t q0, int64_t n, const float* d, int64_t ldd, const float* const* rows, float* c,
               int64_t ldc);
};

const ConvIsa& conv_isa_portable();
const ConvIsa& conv_isa_avx2();
const ConvIsa& conv_isa_avx512();

}  // namespace sk
