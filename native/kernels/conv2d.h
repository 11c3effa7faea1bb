// Fused 2-D convolution (cross-correlation, groups 1) for NCHW float32;
// mirrors src/kernels/ref/conv2d.ts. Letters: B images, C input channels,
// O output channels, H×W input, kh×kw kernel, OH×OW output, K = C·kh·kw,
// L = OH·OW. x, dx: [B, C, H, W]; w, dw: [O, C, kh, kw] read as [O, K];
// bias: [O] or null; y, dy: [B, O, OH, OW].
//
// The batch is cut into chunks of images whose working set fits in L2;
// threads claim whole chunks, each on its own scratch, so no column matrix
// of the whole batch is ever built (conv2d-shifted.h reads it from padded
// planes instead). Results do not depend on the thread count: chunks and the
// weight gradient's partial sums are fixed by the shapes alone.
#pragma once

#include <cstdint>

#include "im2col.h"

namespace sk {

// y = w ⋆ x + bias.
void conv2d_forward(const ConvGeometry& g, int64_t o, const float* x, const float* w, const float* bias, float* y);
// dx = the adjoint of the forward in x (dx is overwritten).
void conv2d_backward_input(const ConvGeometry& g, int64_t o, const float* dy, const float* w, float* dx);
// dw[o, k] = Σ_n Σ_l dy[n, o, l] · col[n, k, l] (dw is overwritten).
void conv2d_backward_weight(const ConvGeometry& g, int64_t o, const float* x, const float* dy, float* dw);

}  // namespace sk
