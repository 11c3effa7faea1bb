// The body of the binary kernel, compiled once per instruction set: binary.cc
// (baseline x86-64), binary.avx2.cc and binary.avx512.cc each include this file
// and export it under their own name. Everything here has internal linkage and
// uses no std:: templates, so no ISA-specific copy can leak into another file.
#pragma once

#include <math.h>

#include <cstdint>

#include "binary.h"

namespace sk {
namespace {

// Math.pow semantics, which differ from C's pow for 1**NaN and (-1)**±Infinity.
inline float js_pow(float x, float y) {
  if (y != y) return y;
  const float ax = x < 0 ? -x : x;
  if (ax == 1.0f && (y == INFINITY || y == -INFINITY)) return NAN;
  return static_cast<float>(::pow(static_cast<double>(x), static_cast<double>(y)));
}

// One output row of n elements; each input is walked with its own stride.
// The contiguous and broadcast-scalar cases get their own loops so that the
// compiler vectorises them.
template <class F>
inline void binary_row(F f, const float* a, int64_t sa, const float* b, int64_t sb, float* o, int64_t n) {
  if (sa == 1 && sb == 1) {
    for (int64_t i = 0; i < n; i++) o[i] = f(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const float y = b[0];
    for (int64_t i = 0; i < n; i++) o[i] = f(a[i], y);
  } else if (sa == 0 && sb == 1) {
    const float x = a[0];
    for (int64_t i = 0; i < n; i++) o[i] = f(x, b[i]);
  } else if (sa == 0 && sb == 0) {
    const float v = f(a[0], b[0]);
    for (int64_t i = 0; i < n; i++) o[i] = v;
  } else {
    for (int64_t i = 0; i < n; i++) o[i] = f(a[i * sa], b[i * sb]);
  }
}

// Output elements [begin, end): rows of the innermost dimension, with an
// odometer over the outer ones (the first and last rows may be partial).
template <class F>
void binary_walk(F f, const float* a, const float* b, float* out, const BinaryPlan& p, int64_t begin, int64_t end) {
  const int k = p.rank;
  const int64_t inner = p.n[k - 1];
  const int64_t sa = p.sa[k - 1];
  const int64_t sb = p.sb[k - 1];
  int64_t idx[kMaxRank];
  int64_t row = begin / inner;
  int64_t j = begin - row * inner;
  int64_t ia = 0;
  int64_t ib = 0;
  for (int d = k - 2; d >= 0; d--) {
    idx[d] = row % p.n[d];
    row /= p.n[d];
    ia += idx[d] * p.sa[d];
    ib += idx[d] * p.sb[d];
  }
  for (int64_t o = begin; o < end;) {
    const int64_t len = inner - j < end - o ? inner - j : end - o;
    binary_row(f, a + ia + j * sa, sa, b + ib + j * sb, sb, out + o, len);
    o += len;
    j = 0;
    for (int d = k - 2; d >= 0; d--) {
      idx[d]++;
      ia += p.sa[d];
      ib += p.sb[d];
      if (idx[d] < p.n[d]) break;
      ia -= p.sa[d] * p.n[d];
      ib -= p.sb[d] * p.n[d];
      idx[d] = 0;
    }
  }
}

inline void binary_range_impl(BinaryOp op, const float* a, const float* b, float* out, const BinaryPlan& p,
                              int64_t begin, int64_t end) {
  switch (op) {
    case BinaryOp::Add: return binary_walk([](float x, float y) { return x + y; }, a, b, out, p, begin, end);
    case BinaryOp::Sub: return binary_walk([](float x, float y) { return x - y; }, a, b, out, p, begin, end);
    case BinaryOp::Mul: return binary_walk([](float x, float y) { return x * y; }, a, b, out, p, begin, end);
    case BinaryOp::Div: return binary_walk([](float x, float y) { return x / y; }, a, b, out, p, begin, end);
    // NaN in x wins; a NaN in y only when x is not greater (as the reference).
    case BinaryOp::Max:
      return binary_walk([](float x, float y) { return (x >= y || x != x) ? x : y; }, a, b, out, p, begin, end);
    case BinaryOp::Min:
      return binary_walk([](float x, float y) { return (x <= y || x != x) ? x : y; }, a, b, out, p, begin, end);
    case BinaryOp::Pow: return binary_walk(js_pow, a, b, out, p, begin, end);
  }
}

}  // namespace
}  // namespace sk
