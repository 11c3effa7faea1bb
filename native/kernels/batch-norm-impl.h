// The loops of batch normalisation, compiled once per instruction set (see
// binary-impl.h). One channel at a time over its N planes of S values;
// float64 sums and per-element arithmetic, each output rounded once.
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
    const double shift = (bias ? bias[ch] : 0.0) - static_cast<double>(mean[ch]) * scale;
    const vd sc = splat_d(scale);
    const vd sh = splat_d(shift);
    for (int64_t b = 0; b < n; b++) {
      const int64_t o = (b * c + ch) * s;
      map1(x + o, y + o, s, [&](vf v) { return from_d(low_d(v) * sc + sh, high_d(v) * sc + sh); });
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
    const vd m = splat_d(mu);
    const vd r = splat_d(rs);
    const vd wv = splat_d(w);
    const vd mg = splat_d(w * sdy / count);
    const vd mgx = splat_d(w * sdyx / count);
    for (int64_t b = 0; b < n; b++) {
      const int64_t o = (b * c + ch) * s;
      if (batch_stats) {
        map2(x + o, dy + o, dx + o, s, [&](vf xv, vf g) {
          return from_d(r * (low_d(g) * wv - mg - (low_d(xv) - m) * r * mgx),
                        r * (high_d(g) * wv - mg - (high_d(xv) - m) * r * mgx));
        });
      } else {
        map1(dy + o, dx + o, s, [&](vf g) { return from_d(r * (low_d(g) * wv), r * (high_d(g) * wv)); });
      }
    }
  }
}

inline BatchNormFns batch_norm_fns_impl() { return {moments_impl, forward_impl, backward_impl}; }

}  // namespace
}  // namespace sk
