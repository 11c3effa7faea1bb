// Float math on vectors of the ISA width (simd.h) with only arithmetic,
// compares and integer bit moves, so every instruction set runs it
// vectorised (libm's expf, logf, tanhf and erfcf are scalar calls).
// Internal linkage, as simd.h.
//
// The polynomials of log, tanh and erfc are our own fits (Lawson-weighted
// least squares toward minimax, in float64) of the forms written beside
// them; the exp polynomial is Cephes's expf (S. Moshier). Measured against
// float64 libm rounded to float, see test/native/unary.test.ts.
#pragma once

#include <math.h>

#include <cstdint>

#include "simd.h"

namespace sk {
namespace {

// e^x within 1 unit in the last place of float64 exp rounded to float
// (checked over the whole float range); denormals below -87.3, 0 below
// -104, Infinity above 88.73, NaN for NaN.
inline vf exp_v(vf x) {
  // n = round(x·log2 e) by the 1.5·2^23 trick (floor is a libm call on SSE2)
  const vf lo = splat(-104.0f);
  const vf hi = splat(89.0f);
  const vf magic = splat(12582912.0f);
  vf xc = x < lo ? lo : x;
  xc = xc > hi ? hi : xc;
  const vf t = xc * 1.44269504088896341f + magic;
  const vf n = t - magic;
  const vi ni = as_int(t) - splat_i(0x4B400000);
  // r = x − n·ln 2 in two parts (Cody–Waite), |r| <= ln2/2
  vf r = xc - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  // Cephes expf polynomial for e^r
  vf p = splat(1.9875691500e-4f);
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  // 2^n as two factors, so that n in [-150, 129] needs no denormal exponent
  const vi n1 = ni >> 1;
  const vi n2 = ni - n1;
  const vf y = p * as_float((n1 + 127) << 23) * as_float((n2 + 127) << 23);
  return x != x ? x : y;
}

// e^(a − b) with the rounding error of a − b put back (TwoSum), so that a
// large b costs no accuracy.
inline vf exp_diff_v(vf a, vf b) {
  const vf c = -b;
  const vf s = a + c;
  const vf bb = s - a;
  vf err = (a - (s - bb)) + (c - bb);
  // Infinite inputs make err NaN; the exponential is then exact (0, ∞ or NaN).
  err = err == err ? err : splat(0.0f);
  const vf e = exp_v(s);
  return e + e * err;
}

inline vf abs_v(vf x) { return as_float(as_int(x) & splat_i(0x7fffffff)); }

// |m| with the sign of s.
inline vf copysign_v(vf m, vf s) {
  return as_float((as_int(m) & splat_i(0x7fffffff)) | (as_int(s) & splat_i(static_cast<int32_t>(0x80000000u))));
}

// ln x: x = 2^e·m with m in [√½, √2), ln(1 + f) = f − f²/2 + f³·R(f) for
// f = m − 1 (exact), R of degree 7 (fit error 6e-9 relative). Denormals are
// scaled first; ln 0 = −∞, ln of a negative is NaN.
inline vf log_v(vf x) {
  const vi tiny = x < splat(1.17549435e-38f);
  const vf xs = tiny ? x * 8388608.0f : x;
  const vi bits = as_int(xs);
  vi e = ((bits >> 23) & splat_i(0xff)) - 127;
  vf m = as_float((bits & splat_i(0x007fffff)) | splat_i(0x3f800000));
  const vi high = m > splat(1.41421356f);
  m = high ? m * 0.5f : m;
  e = high ? e + 1 : e;
  e = tiny ? e - 23 : e;
  const vf f = m - 1.0f;
  vf r = splat(-0.07634153929326686f);
  r = r * f + 0.12761136135624956f;
  r = r * f + -0.1316010451095709f;
  r = r * f + 0.1420181418753506f;
  r = r * f + -0.16623370635272777f;
  r = r * f + 0.20001224863838918f;
  r = r * f + -0.25000820632840104f;
  r = r * f + 0.33333331725532256f;
  const vf lnm = f + f * f * (r * f - 0.5f);
  const vf ef = __builtin_convertvector(e, vf);
  vf y = ef * 0.693359375f + (lnm + ef * -2.12194440e-4f);
  y = x == splat(INFINITY) ? x : y;
  y = x == splat(0.0f) ? splat(-INFINITY) : y;
  y = x < splat(0.0f) ? splat(NAN) : y;
  return x != x ? x : y;
}

// tanh x: x + x³·Q(x²) for |x| <= 0.625 (Q of degree 4, fit error 5e-9
// relative), else ±(1 − 2/(e^{2|x|} + 1)), which has no cancellation there.
inline vf tanh_v(vf x) {
  const vf ax = abs_v(x);
  const vf x2 = x * x;
  vf q = splat(-0.0057173094058779f);
  q = q * x2 + 0.02065081768103395f;
  q = q * x2 + -0.05374356645918459f;
  q = q * x2 + 0.13331492073732487f;
  q = q * x2 + -0.3333328395274437f;
  const vf small = x + x * x2 * q;
  const vf large = copysign_v(1.0f - 2.0f / (exp_v(ax + ax) + 1.0f), x);
  return ax <= splat(0.625f) ? small : large;
}

// σ(x) from e = e^{−|x|}, which never overflows: 1/(1 + e) for x >= 0,
// e/(1 + e) below.
inline vf sigmoid_v(vf x) {
  const vf e = exp_v(-abs_v(x));
  const vf d = 1.0f + e;
  return x >= splat(0.0f) ? 1.0f / d : e / d;
}

// Φ(x), the standard normal CDF, and e^{−x²/2}. For |x| < 1,
// Φ = ½ + ½·erf(z), z = x/√2, erf(z) = z·S(z²) (S of degree 5, fit error
// 1.4e-9 relative). Beyond, the tail Φ(−|x|) = ½·erfc(z) with
// erfc(z) = t·e^{−z²}·e^{P(t)}, t = 1/(1 + z/2) (P of degree 8 on z in
// [0.7, 14.2], fit error 2e-8 in the exponent); z² = x²/2 is formed without
// rounding its large part (x split at 1/128), so the far tail keeps its
// relative accuracy.
// With gauss null the tail needs one exponential, e^{P(t) − x²/2}, instead of two.
inline void normal_cdf_v(vf x, vf* cdf, vf* gauss) {
  const vf magic = splat(12582912.0f);
  vf ax = abs_v(x);
  ax = ax > splat(20.0f) ? splat(20.0f) : ax;
  const vf xh = ((ax * 128.0f + magic) - magic) * 0.0078125f;
  const vf xl = ax - xh;
  // x²/2 = xh²/2 (exact) + xl·(ax + xh)/2 (small)
  const vf big = xh * xh * 0.5f;
  const vf small = xl * (ax + xh) * 0.5f;
  const vf t = 1.0f / (1.0f + ax * 0.35355339059327373f);
  vf p = splat(-0.194168156558448f);
  p = p * t + 0.502514675310887f;
  p = p * t + -0.26836732551655246f;
  p = p * t + -0.1917612356541711f;
  p = p * t + -0.02193819052531392f;
  p = p * t + 0.05956296454205822f;
  p = p * t + 0.37941506743594255f;
  p = p * t + 0.9995856152268418f;
  p = p * t + -1.2654965614893894f;
  vf tail;
  if (gauss) {
    const vf e = exp_diff_v(-small, big);
    *gauss = e;
    tail = 0.5f * t * e * exp_v(p);
  } else {
    tail = 0.5f * t * exp_diff_v(p - small, big);
  }
  const vf z = x * 0.70710678118654752f;
  const vf z2 = x * x * 0.5f;
  vf q = splat(-6.7496146745701544e-04f);
  q = q * z2 + 5.1143588300104053e-03f;
  q = q * z2 + -2.6834630609760796e-02f;
  q = q * z2 + 1.1283376685556383e-01f;
  q = q * z2 + -3.7612618763825506e-01f;
  q = q * z2 + 1.1283791654971740f;
  const vf centre = 0.5f + 0.5f * z * q;
  const vf c = ax < splat(1.0f) ? centre : (x < splat(0.0f) ? tail : 1.0f - tail);
  *cdf = x != x ? x : c;
}

}  // namespace
}  // namespace sk
