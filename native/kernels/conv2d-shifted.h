// Stride-1 convolution without im2col (used by conv2d.cc). A chunk of images
// is copied once into padded planes, per channel
//   [ph zero rows, then H rows of image 0, ph zero rows, H rows of image 1, …],
// each row pw zeros then W values, Wp = W + pw wide (a row's zeros are also
// the previous row's right padding, an image's zero rows the previous
// image's bottom padding). Output pixel Q = Y·Wp + Z of that grid reads
// row (c, i, j) of the column matrix at padded[c][Q + i·Wp + j]: every row of
// im2col is a shifted view of the same planes, which the GEMM packs directly.
// Grid pixels with Z >= OW or past an image's OH rows are computed and
// dropped (1 − OH·OW / ((H + ph)·Wp): 7% at 28×28, 23% at 7×7).
// Letters as conv2d.h; M: output channels of the pass.
#pragma once

#include <cstdint>

#include "im2col.h"

namespace sk {

// Stride 1, padding at most kernel − 1 (so OW <= Wp), at least one input channel and a 1×1 kernel.
bool shifted_fits(const ConvGeometry& g);
// y [B, M, OH, OW] = a [M, C·kh·kw] ⋆ x [B, C, H, W] + bias [M] (or null).
void shifted_forward(const ConvGeometry& g, int64_t m, const float* x, const float* a, const float* bias, float* y);
// dw [O, C·kh·kw] = Σ_n dy[n] · col(x[n])ᵀ (overwritten).
void shifted_weight_grad(const ConvGeometry& g, int64_t o, const float* x, const float* dy, float* dw);
// Images per chunk.
int64_t shifted_chunk_images(const ConvGeometry& g);

}  // namespace sk
