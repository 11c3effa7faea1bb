// im2col and col2im for 2-D convolution; mirror src/kernels/ref/im2col.ts.
// B images, C channels, H×W input, kh×kw kernel, strides sh, sw, zero
// padding ph, pw, OH×OW output, L = OH·OW. x: [B, C, H, W]; col: [B, C·kh·kw, L].
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

// col2im of one image on the calling thread (safe inside parallel_for):
// x: [C, H, W]; col row r = (c·kh + i)·kw + j holds its L values at
// col + r·ld (ld >= L), so the columns of several images can sit side by
// side in one matrix.
void col2im_image(const ConvGeometry& g, const float* col, int64_t ld, float* x);

}  // namespace sk
