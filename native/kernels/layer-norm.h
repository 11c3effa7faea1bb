// Layer normalisation over the last axis, forward and backward; mirrors
// src/kernels/ref/layer-norm.ts. x, y, dy, dx: [R, C]; weight, bias: [C] or
// null (no affine part); mean, rstd: [R]; dweight, dbias: [C] or null (not
// computed).
#pragma once

#include <cstdint>

namespace sk {

void layer_norm_forward(int64_t rows, int64_t cols, double eps, const float* x, const float* weight, const float* bias,
                        float* y, float* mean, float* rstd);
void layer_norm_backward(int64_t rows, int64_t cols, const float* x, const float* weight, const float* mean,
                         const float* rstd, const float* dy, float* dx, float* dweight, float* dbias);

// Rows [r0, r1), one pair per instruction set. The backward adds Σ_r dy·x̂
// and Σ_r dy into the float64 accumulators dw_acc and db_acc when not null.
struct LayerNormFns {
  void (*forward)(int64_t r0, int64_t r1, int64_t cols, double eps, const float* x, const float* weight,
                  const float* bias, float* y, float* mean, float* rstd);
  void (*backward)(int64_t r0, int64_t r1, int64_t cols, const float* x, const float* weight, const float* mean,
                   const float* rstd, const float* dy, float* dx, double* dw_acc, double* db_acc);
};
LayerNormFns layer_norm_fns_portable();
LayerNormFns layer_norm_fns_avx2();
LayerNormFns layer_norm_fns_avx512();

}  // namespace sk
