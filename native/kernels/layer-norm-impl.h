// The loops of layer normalisation, compiled once per instruction set (see
// binary-impl.h). As in the reference, moments, x̂ and every sum are float64,
// and each output is rounded to float once.
#pragma once

#include <math.h>

#include <cstdint>

#include "layer-norm.h"
#include "row-reduce.h"
#include "simd.h"

namespace sk {
namespace {

void layer_norm_forward_impl(int64_t r0, int64_t r1, int64_t cols, double eps, const float* x, const float* weight,
                             const float* bias, float* y, float* mean, float* rstd) {
  const vf one = splat(1.0f);
  const vf zero = splat(0.0f);
  for (int64_t r = r0; r < r1; r++) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    const double mu = sum_row(xr, cols) / static_cast<double>(cols);
    const double rs = 1.0 / ::sqrt(sum_sq_dev(xr, cols, mu) / static_cast<double>(cols) + eps);
    mean[r] = static_cast<float>(mu);
    rstd[r] = static_cast<float>(rs);
    const vd m = splat_d(mu);
    const vd s = splat_d(rs);
    int64_t c = 0;
    auto row = [&](vf v, vf w, vf b) {
      return from_d((low_d(v) - m) * s * low_d(w) + low_d(b), (high_d(v) - m) * s * high_d(w) + high_d(b));
    };
    for (; c + kW <= cols; c += kW) {
      store(yr + c, row(load(xr + c), weight ? load(weight + c) : one, bias ? load(bias + c) : zero));
    }
    if (c < cols) {
      const int64_t k = cols - c;
      const vf w = weight ? load_part(weight + c, k, 1.0f) : one;
      const vf b = bias ? load_part(bias + c, k, 0.0f) : zero;
      store_part(yr + c, row(load_part(xr + c, k, 0.0f), w, b), k);
    }
  }
}

void layer_norm_backward_impl(int64_t r0, int64_t r1, int64_t cols, const float* x, const float* weight,
                              const float* mean, const float* rstd, const float* dy, float* dx, double* dw_acc,
                              double* db_acc) {
  const vf one = splat(1.0f);
  const vd n = splat_d(static_cast<double>(cols));
  for (int64_t r = r0; r < r1; r++) {
    const float* xr = x + r * cols;
    const float* gr = dy + r * cols;
    float* dr = dx + r * cols;
    const vd m = splat_d(static_cast<double>(mean[r]));
    const vd s = splat_d(static_cast<double>(rstd[r]));
    // Pass 1: Σ ĝ and Σ ĝ·x̂ for the row, Σ dy·x̂ and Σ dy for the columns.
    vd sg0 = {}, sg1 = {}, sgx0 = {}, sgx1 = {};
    auto pass1 = [&](vf v, vf g, vf w, int64_t c, int64_t k) {
      const vd xh0 = (low_d(v) - m) * s;
      const vd xh1 = (high_d(v) - m) * s;
      const vd g0 = low_d(g);
      const vd g1 = high_d(g);
      const vd gw0 = g0 * low_d(w);
      const vd gw1 = g1 * high_d(w);
      sg0 += gw0;
      sg1 += gw1;
      sgx0 += gw0 * xh0;
      sgx1 += gw1 * xh1;
      if (k == kW) {
        if (dw_acc) {
          store_d(dw_acc + c, load_d(dw_acc + c) + g0 * xh0);
          store_d(dw_acc + c + kW / 2, load_d(dw_acc + c + kW / 2) + g1 * xh1);
        }
        if (db_acc) {
          store_d(db_acc + c, load_d(db_acc + c) + g0);
          store_d(db_acc + c + kW / 2, load_d(db_acc + c + kW / 2) + g1);
        }
      } else {
        double t[kW];
        store_d(t, g0 * xh0);
        store_d(t + kW / 2, g1 * xh1);
        if (dw_acc) {
          for (int64_t l = 0; l < k; l++) dw_acc[c + l] += t[l];
        }
        store_d(t, g0);
        store_d(t + kW / 2, g1);
        if (db_acc) {
          for (int64_t l = 0; l < k; l++) db_acc[c + l] += t[l];
        }
      }
    };
    int64_t c = 0;
    for (; c + kW <= cols; c += kW) pass1(load(xr + c), load(gr + c), weight ? load(weight + c) : one, c, kW);
    const int64_t k = cols - c;
    if (k > 0) {
      pass1(load_part(xr + c, k, 0.0f), load_part(gr + c, k, 0.0f), weight ? load_part(weight + c, k, 1.0f) : one, c, k);
    }
    const vd mg = splat_d(fold(sg0, sg1)) / n;
    const vd mgx = splat_d(fold(sgx0, sgx1)) / n;
    // Pass 2: dx = rstd·(ĝ − mean ĝ − x̂·mean(ĝ·x̂)).
    auto pass2 = [&](vf v, vf g, vf w) {
      const vd xh0 = (low_d(v) - m) * s;
      const vd xh1 = (high_d(v) - m) * s;
      return from_d(s * (low_d(g) * low_d(w) - mg - xh0 * mgx), s * (high_d(g) * high_d(w) - mg - xh1 * mgx));
    };
    c = 0;
    for (; c + kW <= cols; c += kW) store(dr + c, pass2(load(xr + c), load(gr + c), weight ? load(weight + c) : one));
    if (k > 0) {
      const vf w = weight ? load_part(weight + c, k, 1.0f) : one;
      store_part(dr + c, pass2(load_part(xr + c, k, 0.0f), load_part(gr + c, k, 0.0f), w), k);
    }
  }
}

inline LayerNormFns layer_norm_fns_impl() { return {layer_norm_forward_impl, layer_norm_backward_impl}; }

}  // namespace
}  // namespace sk
