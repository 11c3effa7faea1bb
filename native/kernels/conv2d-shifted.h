// Convolution without im2col (used by conv2d.cc). A chunk of images is
// copied once into planes from which every row of the column matrix is a
// shifted view: output pixel Q = Y·Wg + Z of the chunk's grid reads tap
// (c, i, j) at plane(c, i mod sh, j mod sw)[Q + ⌊i/sh⌋·Wg + ⌊j/sw⌋].
//   stride 1, padding <= kernel − 1: one plane per channel,
//     [ph zero rows, H rows of image 0, ph zero rows, H rows of image 1, …],
//     each row pw zeros then W values, Wg = W + pw wide (a row's zeros are
//     also the previous row's right padding, an image's zero rows the
//     previous image's bottom padding);
//   otherwise sh·sw phase planes per channel: plane (a, b) holds the padded
//     image's pixels (sh·u + a, sw·v + b) at row u, column v, ⌈(H + 2·ph)/sh⌉
//     rows per image, Wg = ⌈(W + 2·pw)/sw⌉.
// Grid pixels past OW in a row or past OH rows in an image are computed and
// dropped (1 − OH·OW / grid: 7% at 28×28, 23% at 7×7 with stride 1).
// Letters as conv2d.h; M: output channels of the pass.
#pragma once

#include <cstdint>

#include "im2col.h"

namespace sk {

// At least one input channel, a kernel of at least 1×1, and OH, OW as the sizes give.
bool shifted_fits(const ConvGeometry& g);
// y [B, M, OH, OW] = a [M, C·kh·kw] ⋆ x [B, C, H, W] + bias [M] (or null).
void shifted_forward(const ConvGeometry& g, int64_t m, const float* x, const float* a, const float* bias, float* y);
// dw [O, C·kh·kw] = Σ_n dy[n] · col(x[n])ᵀ (overwritten).
void shifted_weight_grad(const ConvGeometry& g, int64_t o, const float* x, const float* dy, float* dw);
// Images per chunk.
int64_t shifted_chunk_images(const ConvGeometry& g);

}  // namespace sk
