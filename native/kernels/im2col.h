// im2col and col2im for 2-D convolution; mirror src/kernels/ref/im2col.ts.
// B images, C channels, H×W input, kh×kw kernel, strides sh, sw, zero
// padding ph, pw, OH×OW output. x: [B, C, H, W]; col: [B, C·kh·kw, OH·OW].
#pragma once

#include <cstdint>

namespace sk {

struct ConvGeometry {
  int64_t b, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow;
};

// col[n, (c·kh + i)·kw + j, y·OW + z] = x[n, c, y·sh − ph + i, z·sw − pw + j], 0 outside.
void im2col(const ConvGeometry& g, const float* x, float* col);
// The adjoint: x is overwritten with the sum of every col entry read from it,
// added in the reference's order, so results match it bit for bit.
void col2im(const ConvGeometry& g, const float* col, float* x);

}  // namespace sk
