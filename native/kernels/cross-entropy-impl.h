// The loops of cross-entropy, compiled once per instruction set (see
// binary-impl.h). Sums and the per-element arithmetic that can cancel run
// in float64, as in the reference.
#pragma once

#include <math.h>

#include <cstdint>

#include "cross-entropy.h"
#include "row-reduce.h"
#include "simd.h"

namespace sk {
namespace {

void cross_entropy_forward_impl(int64_t r0, int64_t r1, int64_t cols, int32_t ignore_index, double smoothing,
                                const float* logits, const int32_t* targets, float* lse, float* losses) {
  for (int64_t r = r0; r < r1; r++) {
    const float* xr = logits + r * cols;
    const float m = max_row(xr, cols);
    const double l = static_cast<double>(m) + ::log(sum_exp_row<false>(xr, m, nullptr, cols));
    lse[r] = static_cast<float>(l);
    const int32_t t = targets[r];
    if (t == ignore_index) {
      losses[r] = 0;
      continue;
    }
    const double nll = l - static_cast<double>(xr[t]);
    // computed even when ε = 0: a −∞ logit makes it ∞, and 0·∞ = NaN, as in the reference
    const double smooth = l - sum_row(xr, cols) / static_cast<double>(cols);
    losses[r] = static_cast<float>((1 - smoothing) * nll + smoothing * smooth);
  }
}

void cross_entropy_backward_impl(int64_t r0, int64_t r1, int64_t cols, int32_t ignore_index, double smoothing,
                                 const float* logits, const int32_t* targets, const float* lse,
                                 const float* grad_rows, float* dlogits) {
  const double uniform = smoothing / static_cast<double>(cols);
  for (int64_t r = r0; r < r1; r++) {
    const float* xr = logits + r * cols;
    float* dr = dlogits + r * cols;
    const int32_t t = targets[r];
    if (t == ignore_index) {
      for (int64_t c = 0; c < cols; c++) dr[c] = 0;
      continue;
    }
    const double g = static_cast<double>(grad_rows[r]);
    const vf l = splat(lse[r]);
    const vd gv = splat_d(g);
    const vd u = splat_d(uniform);
    // g·(softmax − ε/C) everywhere, then the target's extra −(1 − ε)
    map1(xr, dr, cols, [&](vf x) {
      const vf p = exp_diff_v(x, l);
      return from_d(gv * (low_d(p) - u), gv * (high_d(p) - u));
    });
    float pt;
    store_part(&pt, exp_diff_v(load_part(xr + t, 1, 0.0f), l), 1);
    dr[t] = static_cast<float>(g * (static_cast<double>(pt) - uniform - (1 - smoothing)));
  }
}

inline CrossEntropyFns cross_entropy_fns_impl() { return {cross_entropy_forward_impl, cross_entropy_backward_impl}; }

}  // namespace
}  // namespace sk
