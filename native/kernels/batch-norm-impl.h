// The loops of batch normalisation, compiled once per instruction set (see
// binary-impl.h). One channel at a time over its N planes of S values;
// float64 sums, float32 per-element arithmetic with the per-channel
// coefficients formed in float64 (an element's result is within a few units
// in the last place of the all-float64 reference, at a third of the cost).
#pragma once

#include <cstdint>

#include "batch-norm.h"
#include "row-reduce.h"
#include "simd.h"

namespace sk {
namespace {

void moments_impl(int64_t c0, int64_t c1, int64_t n, int64_t c, int64_t s, const float* x, float* mean,
                  float* variance) {
  const double count = static_cast<double>(n * s);
  for (int64_t ch = c0; ch < c1; ch++) {
    double total = 0;
    for (int64_t b = 0; b < n; b++) total += sum_row(x + (b * c + ch) * s, s);
    const double mu = total / count;
    double v = 0;
    for (int64_t b = 0; b < n; b++) v += sum_sq_dev(x + (b * c + ch) * s, s, mu);
    mean[ch] = static_cast<float>(mu);
    variance[ch] = static_cast<float>(v / count);
  }
}

void forward_impl(int64_t c0, int64_t c1, int64_t n, int64_t c, int64_t s, const float* x, const float* mean,
                  const float* rstd, const float* weight, const float* bias, float* y) {
  for (int64_t ch = c0; ch < c1; ch++) {
    const double scale = static_cast<double>(rstd[ch]) * (weight ? weight[ch] : 1.0);
    // (x − mean)·scale + bias: the difference is exact where x is near the mean, so nothing cancels.
    const vf m = splat(mean[ch]);
    const vf sc = splat(static_cast<float>(scale));
    const vf sh = splat(bias ? bias[ch] : 0.0f);
    for (int64_t b = 0; b < n; b++) {
      const int64_t o = (b * c + ch) * s;
      map1(x + o, y + o, s, [&](vf v) { return (v - m) * sc + sh; });
    }
  }
}

void backward_impl(int64_t c0, int64_t c1, int64_t n, int64_t c, int64_t s, bool batch_stats, const float* x,
                   const float* mean, const float* rstd, const float* weight, const float* dy, float* dx,
                   float* dweight, float* dbias) {
  const double count = static_cast<double>(n * s);
  for (int64_t ch = c0; ch < c1; ch++) {
    const double mu = mean[ch];
    const double rs = rstd[ch];
    const double w = weight ? weight[ch] : 1.0;
    double sdy = 0;
    double sdyx = 0;
    for (int64_t b = 0; b < n; b++) {
      const int64_t o = (b * c + ch) * s;
      sdy += sum_row(dy + o, s);
      sdyx += sum_prod_dev(dy + o, x + o, s, mu);
    }
    sdyx *= rs;
    if (dweight) dweight[ch] = static_cast<float>(sdyx);
    if (dbias) dbias[ch] = static_cast<float>(sdy);
    // dx = r·(g·w − mg − (x − mu)·r·mgx) = (g − mean g)·a + (x − mu)·bx with a, bx per
    // channel: both differences are exact where they would cancel.
    const vf m = splat(mean[ch]);
    const vf gm = splat(static_cast<float>(sdy / count));
    const vf av = splat(static_cast<float>(rs * w));
    const vf bv = splat(static_cast<float>(-rs * rs * (w * sdyx / count)));
    for (int64_t b = 0; b < n; b++) {
      const int64_t o = (b * c + ch) * s;
      if (batch_stats) {
        map2(x + o, dy + o, dx + o, s, [&](vf xv, vf g) { return (g - gm) * av + (xv - m) * bv; });
      } else {
        map1(dy + o, dx + o, s, [&](vf g) { return g * av; });
      }
    }
  }
}

inline BatchNormFns batch_norm_fns_impl() { return {moments_impl, forward_impl, backward_impl}; }

}  // namespace
}  // namespace sk
