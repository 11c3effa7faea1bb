// Float vectors of the compiling ISA's register width in GCC's vector
// extension: 16 lanes under AVX-512, 8 under AVX2, 4 on baseline x86-64. The
// same source thus gives explicit SIMD in every per-ISA file. Internal
// linkage throughout (see binary-impl.h).
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace sk {
namespace {

// Lane lists for __builtin_shufflevector: low half, high half, both halves.
#if defined(__AVX512F__)
constexpr int kVecBytes = 64;
#define SK_LOW_HALF 0, 1, 2, 3, 4, 5, 6, 7
#define SK_HIGH_HALF 8, 9, 10, 11, 12, 13, 14, 15
#define SK_ALL_LANES 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
#elif defined(__AVX2__)
constexpr int kVecBytes = 32;
#define SK_LOW_HALF 0, 1, 2, 3
#define SK_HIGH_HALF 4, 5, 6, 7
#define SK_ALL_LANES 0, 1, 2, 3, 4, 5, 6, 7
#else
constexpr int kVecBytes = 16;
#define SK_LOW_HALF 0, 1
#define SK_HIGH_HALF 2, 3
#define SK_ALL_LANES 0, 1, 2, 3
#endif

typedef float vf __attribute__((vector_size(kVecBytes)));
typedef int32_t vi __attribute__((vector_size(kVecBytes)));
typedef double vd __attribute__((vector_size(kVecBytes)));
typedef float vf_half __attribute__((vector_size(kVecBytes / 2)));

// Float lanes per vector.
constexpr int kW = kVecBytes / 4;

// Broadcasts. Not `vf{} + c`: GCC keeps that addition (it turns −0 into +0),
// one more arithmetic op on the multiply-add ports per broadcast.
#if defined(__AVX512F__)
inline vf splat(float c) { return (vf)_mm512_set1_ps(c); }
inline vi splat_i(int32_t c) { return (vi)_mm512_set1_epi32(c); }
inline vd splat_d(double c) { return (vd)_mm512_set1_pd(c); }
#elif defined(__AVX2__)
inline vf splat(float c) { return (vf)_mm256_set1_ps(c); }
inline vi splat_i(int32_t c) { return (vi)_mm256_set1_epi32(c); }
inline vd splat_d(double c) { return (vd)_mm256_set1_pd(c); }
#else
inline vf splat(float c) { return (vf)_mm_set1_ps(c); }
inline vi splat_i(int32_t c) { return (vi)_mm_set1_epi32(c); }
inline vd splat_d(double c) { return (vd)_mm_set1_pd(c); }
#endif

inline vf load(const float* p) {
  vf v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

inline void store(float* p, vf v) { __builtin_memcpy(p, &v, sizeof v); }

// kW / 2 doubles.
inline vd load_d(const double* p) {
  vd v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

inline void store_d(double* p, vd v) { __builtin_memcpy(p, &v, sizeof v); }

inline vi as_int(vf v) {
  vi i;
  __builtin_memcpy(&i, &v, sizeof i);
  return i;
}

inline vf as_float(vi i) {
  vf v;
  __builtin_memcpy(&v, &i, sizeof v);
  return v;
}

// The first n (< kW) elements of p; the other lanes hold `fill`.
inline vf load_part(const float* p, int64_t n, float fill) {
  float t[kW];
  for (int l = 0; l < kW; l++) t[l] = l < n ? p[l] : fill;
  return load(t);
}

inline void store_part(float* p, vf v, int64_t n) {
  float t[kW];
  store(t, v);
  for (int l = 0; l < n; l++) p[l] = t[l];
}

// Correctly rounded square root (no vector-extension operator exists for it).
inline vf sqrt_v(vf x) {
#if defined(__AVX512F__)
  // _mm512_sqrt_ps passes an undefined merge source that GCC 12 warns about
  return __builtin_ia32_sqrtps512_mask(x, x, static_cast<__mmask16>(-1), _MM_FROUND_CUR_DIRECTION);
#elif defined(__AVX2__)
  return _mm256_sqrt_ps(x);
#else
  return _mm_sqrt_ps(x);
#endif
}

// Lanes whose index is below n.
inline vi lanes_below(int64_t n) {
  vi iota;
  for (int l = 0; l < kW; l++) iota[l] = l;
  return iota < splat_i(static_cast<int32_t>(n));
}

// The low and high halves of v in float64.
inline vd low_d(vf v) { return __builtin_convertvector(__builtin_shufflevector(v, v, SK_LOW_HALF), vd); }

inline vd high_d(vf v) { return __builtin_convertvector(__builtin_shufflevector(v, v, SK_HIGH_HALF), vd); }

inline vf from_d(vd low, vd high) {
  return __builtin_shufflevector(__builtin_convertvector(low, vf_half), __builtin_convertvector(high, vf_half),
                                 SK_ALL_LANES);
}

// Σ of the lanes of two float64 partial-sum vectors, in a fixed order.
inline double fold(vd low, vd high) {
  const vd s = low + high;
  double t[kW / 2];
  __builtin_memcpy(t, &s, sizeof t);
  for (int w = kW / 4; w >= 1; w /= 2) {
    for (int l = 0; l < w; l++) t[l] += t[l + w];
  }
  return t[0];
}

// Σ of the float lanes in a fixed order.
inline float fold_f(vf v) {
  float t[kW];
  store(t, v);
  for (int w = kW / 2; w >= 1; w /= 2) {
    for (int l = 0; l < w; l++) t[l] += t[l + w];
  }
  return t[0];
}

// out[i] = f(a[i]) over vectors; the tail runs the same f on a padded vector.
template <class F>
inline void map1(const float* a, float* out, int64_t n, F f) {
  int64_t i = 0;
  for (; i + kW <= n; i += kW) store(out + i, f(load(a + i)));
  if (i < n) store_part(out + i, f(load_part(a + i, n - i, 0.0f)), n - i);
}

// out[i] = f(a[i], b[i]) over vectors.
template <class F>
inline void map2(const float* a, const float* b, float* out, int64_t n, F f) {
  int64_t i = 0;
  for (; i + kW <= n; i += kW) store(out + i, f(load(a + i), load(b + i)));
  if (i < n) store_part(out + i, f(load_part(a + i, n - i, 0.0f), load_part(b + i, n - i, 0.0f)), n - i);
}

// out[i] = f(a[i], b[i], c[i]) over vectors.
template <class F>
inline void map3(const float* a, const float* b, const float* c, float* out, int64_t n, F f) {
  int64_t i = 0;
  for (; i + kW <= n; i += kW) store(out + i, f(load(a + i), load(b + i), load(c + i)));
  if (i < n) {
    const int64_t r = n - i;
    store_part(out + i, f(load_part(a + i, r, 0.0f), load_part(b + i, r, 0.0f), load_part(c + i, r, 0.0f)), r);
  }
}

}  // namespace
}  // namespace sk
