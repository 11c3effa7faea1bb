// The loops of scalarOp, compiled once per instruction set (see
// binary-impl.h). Plain loops in float64 that the compiler vectorises; pow
// is a libm call per element except for the exponents 1, 2 and 3, where
// repeated products give the same correctly rounded result.
#pragma once

#include <math.h>

#include <cstdint>

#include "scalar-op.h"

namespace sk {
namespace {

// Math.pow: unlike C's pow, 1 ** NaN and (±1) ** ±Infinity are NaN.
inline double js_pow_d(double x, double y) {
  if (y != y) return y;
  if ((x == 1.0 || x == -1.0) && (y == INFINITY || y == -INFINITY)) return NAN;
  return ::pow(x, y);
}

inline void pow_range(const float* x, double s, float* o, int64_t n) {
  if (s == 1.0) {
    for (int64_t i = 0; i < n; i++) o[i] = x[i];
  } else if (s == 2.0) {
    for (int64_t i = 0; i < n; i++) o[i] = static_cast<float>(static_cast<double>(x[i]) * x[i]);
  } else if (s == 3.0) {
    for (int64_t i = 0; i < n; i++) {
      const double v = x[i];
      o[i] = static_cast<float>(v * v * v);
    }
  } else {
    for (int64_t i = 0; i < n; i++) o[i] = static_cast<float>(js_pow_d(x[i], s));
  }
}

void scalar_forward_impl(ScalarOp op, const float* x, double s, float* out, int64_t begin, int64_t end) {
  const float* a = x + begin;
  float* o = out + begin;
  const int64_t n = end - begin;
  switch (op) {
    case ScalarOp::Add:
      for (int64_t i = 0; i < n; i++) o[i] = static_cast<float>(a[i] + s);
      return;
    case ScalarOp::Mul:
      for (int64_t i = 0; i < n; i++) o[i] = static_cast<float>(a[i] * s);
      return;
    case ScalarOp::Pow: return pow_range(a, s, o, n);
  }
}

void scalar_backward_impl(ScalarOp op, const float* x, double s, const float* g, float* out, int64_t begin,
                          int64_t end) {
  const float* a = x + begin;
  const float* gs = g + begin;
  float* o = out + begin;
  const int64_t n = end - begin;
  switch (op) {
    case ScalarOp::Add:
      for (int64_t i = 0; i < n; i++) o[i] = gs[i];
      return;
    case ScalarOp::Mul:
      for (int64_t i = 0; i < n; i++) o[i] = static_cast<float>(gs[i] * s);
      return;
    case ScalarOp::Pow:
      if (s == 0) {
        for (int64_t i = 0; i < n; i++) o[i] = 0;
      } else if (s == 2.0) {
        for (int64_t i = 0; i < n; i++) o[i] = static_cast<float>(gs[i] * s * static_cast<double>(a[i]));
      } else {
        for (int64_t i = 0; i < n; i++) o[i] = static_cast<float>(gs[i] * s * js_pow_d(a[i], s - 1));
      }
      return;
  }
}

inline ScalarOpFns scalar_op_fns_impl() { return {scalar_forward_impl, scalar_backward_impl}; }

}  // namespace
}  // namespace sk
