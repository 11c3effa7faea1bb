// Reductions over one contiguous row on vectors of the ISA width (simd.h).
// The lanes are independent partial results folded in a fixed order: the
// answer depends on the ISA (lane count) but never on threads or timing.
// Internal linkage, as simd.h.
#pragma once

#include <math.h>

#include <cstdint>

#include "simd.h"
#include "vec-math.h"

namespace sk {
namespace {

// Σ x[0..n) in float64.
inline double sum_row(const float* x, int64_t n) {
  vd s0 = {};
  vd s1 = {};
  int64_t i = 0;
  for (; i + kW <= n; i += kW) {
    const vf v = load(x + i);
    s0 += low_d(v);
    s1 += high_d(v);
  }
  if (i < n) {
    const vf v = load_part(x + i, n - i, 0.0f);
    s0 += low_d(v);
    s1 += high_d(v);
  }
  return fold(s0, s1);
}

// Σ a·b in float64 (each float product is exact in float64).
inline double dot_row(const float* a, const float* b, int64_t n) {
  vd s0 = {};
  vd s1 = {};
  int64_t i = 0;
  for (; i + kW <= n; i += kW) {
    const vf u = load(a + i);
    const vf v = load(b + i);
    s0 += low_d(u) * low_d(v);
    s1 += high_d(u) * high_d(v);
  }
  if (i < n) {
    const vf u = load_part(a + i, n - i, 0.0f);
    const vf v = load_part(b + i, n - i, 0.0f);
    s0 += low_d(u) * low_d(v);
    s1 += high_d(u) * high_d(v);
  }
  return fold(s0, s1);
}

// The reference's running maximum: NaN if any element is NaN, -Infinity for
// an empty row.
inline float max_row(const float* x, int64_t n) {
  vf m = splat(-INFINITY);
  vi nan = {};
  int64_t i = 0;
  for (; i + kW <= n; i += kW) {
    const vf v = load(x + i);
    m = v > m ? v : m;
    nan |= v != v;
  }
  if (i < n) {
    const vf v = load_part(x + i, n - i, -INFINITY);
    m = v > m ? v : m;
    nan |= v != v;
  }
  float t[kW];
  int32_t bad[kW];
  store(t, m);
  __builtin_memcpy(bad, &nan, sizeof bad);
  float r = t[0];
  for (int l = 0; l < kW; l++) {
    if (bad[l] != 0) return NAN;
    r = t[l] > r ? t[l] : r;
  }
  return r;
}

// Σ (x − mu)² in float64.
inline double sum_sq_dev(const float* x, int64_t n, double mu) {
  const vd m = splat_d(mu);
  vd s0 = {};
  vd s1 = {};
  int64_t i = 0;
  for (; i + kW <= n; i += kW) {
    const vf v = load(x + i);
    const vd a = low_d(v) - m;
    const vd b = high_d(v) - m;
    s0 += a * a;
    s1 += b * b;
  }
  if (i < n) {
    const vf v = load_part(x + i, n - i, 0.0f);
    const vi keep = lanes_below(n - i);
    const vf dev_mask = keep ? splat(1.0f) : splat(0.0f);
    const vd a = (low_d(v) - m) * low_d(dev_mask);
    const vd b = (high_d(v) - m) * high_d(dev_mask);
    s0 += a * a;
    s1 += b * b;
  }
  return fold(s0, s1);
}

// Σ g·(x − mu) in float64.
inline double sum_prod_dev(const float* g, const float* x, int64_t n, double mu) {
  const vd m = splat_d(mu);
  vd s0 = {};
  vd s1 = {};
  int64_t i = 0;
  for (; i + kW <= n; i += kW) {
    const vf u = load(g + i);
    const vf v = load(x + i);
    s0 += low_d(u) * (low_d(v) - m);
    s1 += high_d(u) * (high_d(v) - m);
  }
  if (i < n) {
    const vf u = load_part(g + i, n - i, 0.0f);
    const vf v = load_part(x + i, n - i, 0.0f);
    s0 += low_d(u) * (low_d(v) - m);
    s1 += high_d(u) * (high_d(v) - m);
  }
  return fold(s0, s1);
}

// Σ e^(x − m) in float64; with kStore each term is also written to out.
template <bool kStore>
inline double sum_exp_row(const float* x, float m, float* out, int64_t n) {
  const vf mv = splat(m);
  vd s0 = {};
  vd s1 = {};
  int64_t i = 0;
  for (; i + kW <= n; i += kW) {
    const vf e = exp_diff_v(load(x + i), mv);
    if (kStore) store(out + i, e);
    s0 += low_d(e);
    s1 += high_d(e);
  }
  if (i < n) {
    const vf e = lanes_below(n - i) ? exp_diff_v(load_part(x + i, n - i, 0.0f), mv) : splat(0.0f);
    if (kStore) store_part(out + i, e, n - i);
    s0 += low_d(e);
    s1 += high_d(e);
  }
  return fold(s0, s1);
}

}  // namespace
}  // namespace sk
