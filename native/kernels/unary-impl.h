// The loops of the unary kernels, compiled once per instruction set (see
// binary-impl.h). Transcendentals come from vec-math.h; gradients whose
// reference formula cancels are formed in float64, as the reference does.
#pragma once

#include <cstdint>

#include "simd.h"
#include "unary.h"
#include "vec-math.h"

namespace sk {
namespace {

constexpr float kSqrt2OverPi = 0.7978845608028654f;
constexpr float kGeluTanhC = 0.044715f;
constexpr float kInvSqrt2Pi = 0.3989422804014327f;

// 1 + e^{−2u} with u = √(2/π)·(x + 0.044715·x³), so that ½(1 + tanh u) =
// σ(2u) = 1/(1 + e^{−2u}). 2u is formed in float64 and split into two
// floats: rounding it to float would cost |2u| units in the last place of
// the left tail. Beyond |x| = 1e4 the result is 1 or ∞ anyway; the clamp
// keeps x³ finite.
inline vf gelu_tanh_denominator(vf x) {
  vf xc = x > splat(1e4f) ? splat(1e4f) : x;
  xc = xc < splat(-1e4f) ? splat(-1e4f) : xc;
  const vd c = splat_d(2.0 * 0.7978845608028654);
  const vd a = splat_d(0.044715);
  const vd one = splat_d(1.0);
  const vd xl = low_d(xc);
  const vd xh = high_d(xc);
  const vd ul = c * xl * (one + a * xl * xl);
  const vd uh = c * xh * (one + a * xh * xh);
  const vf hi = from_d(ul, uh);
  const vf lo = from_d(ul - low_d(hi), uh - high_d(hi));
  const vf e = exp_v(-hi);
  return 1.0f + e * (1.0f - lo);
}

// a·b in float64, rounded once.
inline vf mul_d(vf a, vd bl, vd bh) { return from_d(low_d(a) * bl, high_d(a) * bh); }

void unary_forward_impl(UnaryOp op, const float* x, float* out, int64_t begin, int64_t end) {
  const float* a = x + begin;
  float* o = out + begin;
  const int64_t n = end - begin;
  switch (op) {
    case UnaryOp::Exp: return map1(a, o, n, [](vf v) { return exp_v(v); });
    case UnaryOp::Log: return map1(a, o, n, [](vf v) { return log_v(v); });
    case UnaryOp::Sqrt: return map1(a, o, n, [](vf v) { return sqrt_v(v); });
    case UnaryOp::Abs: return map1(a, o, n, [](vf v) { return abs_v(v); });
    case UnaryOp::Relu: return map1(a, o, n, [](vf v) { return v > splat(0.0f) ? v : splat(0.0f); });
    case UnaryOp::Gelu:
      return map1(a, o, n, [](vf v) {
        vf cdf;
        normal_cdf_v(v, &cdf, nullptr);
        return v * cdf;
      });
    // ½x(1 + tanh u) = x·σ(2u), which does not cancel for negative x
    case UnaryOp::GeluTanh: return map1(a, o, n, [](vf v) { return v / gelu_tanh_denominator(v); });
    case UnaryOp::Silu: return map1(a, o, n, [](vf v) { return v * sigmoid_v(v); });
    case UnaryOp::Sigmoid: return map1(a, o, n, [](vf v) { return sigmoid_v(v); });
    case UnaryOp::Tanh: return map1(a, o, n, [](vf v) { return tanh_v(v); });
  }
}

void unary_backward_impl(UnaryOp op, const float* x, const float* y, const float* g, float* out, int64_t begin,
                         int64_t end) {
  const float* xs = x + begin;
  const float* ys = y + begin;
  const float* gs = g + begin;
  float* o = out + begin;
  const int64_t n = end - begin;
  const vd one = splat_d(1.0);
  switch (op) {
    case UnaryOp::Exp: return map2(ys, gs, o, n, [](vf yv, vf gv) { return gv * yv; });
    case UnaryOp::Log:
      return map2(xs, gs, o, n, [&](vf xv, vf gv) { return mul_d(gv, one / low_d(xv), one / high_d(xv)); });
    case UnaryOp::Sqrt: {
      const vd half = splat_d(0.5);
      return map2(ys, gs, o, n, [&](vf yv, vf gv) { return mul_d(gv, half / low_d(yv), half / high_d(yv)); });
    }
    case UnaryOp::Abs:
      return map2(xs, gs, o, n, [](vf xv, vf gv) {
        const vf sign = xv > splat(0.0f) ? splat(1.0f) : (xv < splat(0.0f) ? splat(-1.0f) : splat(0.0f));
        return gv * sign;
      });
    case UnaryOp::Relu:
      return map2(xs, gs, o, n, [](vf xv, vf gv) { return gv * (xv > splat(0.0f) ? splat(1.0f) : splat(0.0f)); });
    case UnaryOp::Gelu:
      return map2(xs, gs, o, n, [](vf xv, vf gv) {
        vf cdf, gauss;
        normal_cdf_v(xv, &cdf, &gauss);
        return gv * (cdf + xv * gauss * kInvSqrt2Pi);
      });
    // with s = σ(2u): ½(1 + tanh u) = s and ½·sech²u = 2s(1 − s)
    case UnaryOp::GeluTanh:
      return map2(xs, gs, o, n, [](vf xv, vf gv) {
        const vf s = 1.0f / gelu_tanh_denominator(xv);
        // beyond |x| = 1e4, s·(1 − s) is exactly 0; the clamp keeps x² finite
        vf xc = xv > splat(1e4f) ? splat(1e4f) : xv;
        xc = xc < splat(-1e4f) ? splat(-1e4f) : xc;
        const vf du = kSqrt2OverPi * (1.0f + 3.0f * kGeluTanhC * xc * xc);
        // as the reference, ±∞ gives ∞·0 = NaN
        const vf d = abs_v(xv) == splat(INFINITY) ? splat(NAN) : s + 2.0f * xc * s * (1.0f - s) * du;
        return gv * d;
      });
    case UnaryOp::Silu:
      return map2(xs, gs, o, n, [](vf xv, vf gv) {
        const vf s = sigmoid_v(xv);
        return gv * (s * (1.0f + xv * (1.0f - s)));
      });
    case UnaryOp::Sigmoid:
      return map2(ys, gs, o, n, [&](vf yv, vf gv) {
        const vd yl = low_d(yv);
        const vd yh = high_d(yv);
        return mul_d(gv, yl * (one - yl), yh * (one - yh));
      });
    case UnaryOp::Tanh:
      return map2(ys, gs, o, n, [&](vf yv, vf gv) {
        const vd yl = low_d(yv);
        const vd yh = high_d(yv);
        return mul_d(gv, one - yl * yl, one - yh * yh);
      });
  }
}

inline UnaryFns unary_fns_impl() { return {unary_forward_impl, unary_backward_impl}; }

}  // namespace
}  // namespace sk
