// The loops of softmax and log-softmax, compiled once per instruction set
// (see binary-impl.h). Sums run in float64 as in the reference, and so does
// the per-element arithmetic that could cancel.
#pragma once

#include <math.h>

#include <cstdint>

#include "row-reduce.h"
#include "softmax.h"

namespace sk {
namespace {

void softmax_forward_impl(int64_t r0, int64_t r1, int64_t cols, bool log, const float* x, float* y) {
  for (int64_t r = r0; r < r1; r++) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    const float m = max_row(xr, cols);
    if (log) {
      const vd shift = splat_d(static_cast<double>(m) + ::log(sum_exp_row<false>(xr, m, nullptr, cols)));
      map1(xr, yr, cols, [&](vf v) { return from_d(low_d(v) - shift, high_d(v) - shift); });
    } else {
      const vd inv = splat_d(1.0 / sum_exp_row<true>(xr, m, yr, cols));
      map1(yr, yr, cols, [&](vf e) { return from_d(low_d(e) * inv, high_d(e) * inv); });
    }
  }
}

void softmax_backward_impl(int64_t r0, int64_t r1, int64_t cols, bool log, const float* y, const float* dy,
                           float* dx) {
  for (int64_t r = r0; r < r1; r++) {
    const float* yr = y + r * cols;
    const float* gr = dy + r * cols;
    float* dr = dx + r * cols;
    if (log) {
      const vd dot = splat_d(sum_row(gr, cols));
      map2(yr, gr, dr, cols, [&](vf yv, vf g) {
        const vf e = exp_v(yv);
        return from_d(low_d(g) - low_d(e) * dot, high_d(g) - high_d(e) * dot);
      });
    } else {
      const vd dot = splat_d(dot_row(gr, yr, cols));
      map2(yr, gr, dr, cols, [&](vf yv, vf g) {
        return from_d(low_d(yv) * (low_d(g) - dot), high_d(yv) * (high_d(g) - dot));
      });
    }
  }
}

inline SoftmaxFns softmax_fns_impl() { return {softmax_forward_impl, softmax_backward_impl}; }

}  // namespace
}  // namespace sk
