// im2row and row2im: a convolution's patches as rows, channels innermost;
// mirror src/kernels/ref/im2row.ts. B images, C channels, H×W input, kh×kw
// kernel, strides sh, sw, zero padding ph, pw, OH×OW output, L = OH·OW.
// x: [B, C, H, W]; rows: [B, L, kh·kw·C].
#pragma once

#include "im2col.h"

namespace sk {

// rows[n, y·OW + z, (i·kw + j)·C + ch] = x[n, ch, y·sh − ph + i, z·sw − pw + j], 0 outside.
void im2row(const ConvGeometry& g, const float* x, float* rows);
// The adjoint: x is overwritten with the sum of every rows entry read from
// it, added in the reference's order (y, z, i, j), so results match it bit for bit.
void row2im(const ConvGeometry& g, const float* rows, float* x);

}  // namespace sk
