// A tensor combined with one number s, and the gradient; mirrors
// src/kernels/ref/scalar-op.ts. x, g, out: flat arrays of n elements. s is a
// float64, so the arithmetic runs in float64 and rounds once, as the
// reference's does.
#pragma once

#include <cstdint>

namespace sk {

// Op codes, as ScalarOp in src/kernels/ref/scalar-op.ts.
enum class ScalarOp : int { Add = 0, Mul = 1, Pow = 2 };
constexpr int kScalarOpCount = 3;

// out[i] = x[i] + s | x[i]·s | x[i]^s (Math.pow semantics); out may be x.
void scalar_op(ScalarOp op, const float* x, double s, float* out, int64_t n);
// out[i] = g[i] | g[i]·s | g[i]·s·x[i]^(s−1) (0 everywhere when s = 0).
void scalar_op_backward(ScalarOp op, const float* x, double s, const float* g, float* out, int64_t n);

// Elements [begin, end), one pair per instruction set.
struct ScalarOpFns {
  void (*forward)(ScalarOp op, const float* x, double s, float* out, int64_t begin, int64_t end);
  void (*backward)(ScalarOp op, const float* x, double s, const float* g, float* out, int64_t begin, int64_t end);
};
ScalarOpFns scalar_op_fns_portable();
ScalarOpFns scalar_op_fns_avx2();
ScalarOpFns scalar_op_fns_avx512();

}  // namespace sk
