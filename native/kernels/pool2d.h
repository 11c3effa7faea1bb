// 2-D max and average pooling, forward and backward; mirrors
// src/kernels/ref/pool2d.ts. P planes (B·C), H×W input, kh×kw window,
// strides sh, sw, padding ph, pw, OH×OW output. x, dx: [P, H, W];
// y, dy, argmax: [P, OH, OW]; argmax is the flat index y·W + x in the plane.
#pragma once

#include <cstdint>

namespace sk {

struct PoolGeometry {
  int64_t planes, h, w, kh, kw, sh, sw, ph, pw, oh, ow;
};

// Padding counts as −Infinity; the first NaN wins; argmax −1 for an empty window.
void max_pool2d_forward(const PoolGeometry& g, const float* x, float* y, int32_t* argmax);
// dx overwritten; each dy added at its argmax (every argmax in [−1, H·W)).
void max_pool2d_backward(const PoolGeometry& g, const int32_t* argmax, const float* dy, float* dx);
// Mean over the window's in-bounds values, divided by kh·kw when count_include_pad.
void avg_pool2d_forward(const PoolGeometry& g, bool count_include_pad, const float* x, float* y);
void avg_pool2d_backward(const PoolGeometry& g, bool count_include_pad, const float* dy, float* dx);

}  // namespace sk
