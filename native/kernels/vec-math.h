// Float math on vectors of the ISA width (simd.h) with only arithmetic, compares and
// integer bit moves, so every instruction set runs it vectorised (libm's
// expf, tanhf and erff are scalar calls). Internal linkage, as simd.h.
#pragma once

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

}  // namespace
}  // namespace sk
