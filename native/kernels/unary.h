// Elementwise unary functions and their gradients; mirrors
// src/kernels/ref/unary.ts. x, y, g, out: flat arrays of n elements.
#pragma once

#include <cstdint>

namespace sk {

// Op codes, as UnaryOp in src/kernels/ref/unary.ts.
enum class UnaryOp : int {
  Exp = 0, Log = 1, Sqrt = 2, Abs = 3, Relu = 4, Gelu = 5, GeluTanh = 6, Silu = 7, Sigmoid = 8, Tanh = 9
};
constexpr int kUnaryOpCount = 10;

// out[i] = f(x[i]); out may be x.
void unary(UnaryOp op, const float* x, float* out, int64_t n);
// out[i] = g[i]·f'(x[i]), with y = f(x).
void unary_backward(UnaryOp op, const float* x, const float* y, const float* g, float* out, int64_t n);

// Elements [begin, end), one pair per instruction set.
struct UnaryFns {
  void (*forward)(UnaryOp op, const float* x, float* out, int64_t begin, int64_t end);
  void (*backward)(UnaryOp op, const float* x, const float* y, const float* g, float* out, int64_t begin, int64_t end);
};
UnaryFns unary_fns_portable();
UnaryFns unary_fns_avx2();
UnaryFns unary_fns_avx512();

}  // namespace sk
