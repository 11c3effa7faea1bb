// Batch normalisation over [N, C, S] (S = H·W) per channel; mirrors
// src/kernels/ref/batch-norm.ts. x, y, dy, dx: [N, C, S]; mean, rstd,
// variance: [C]; weight, bias, dweight, dbias: [C] or null (none).
#pragma once

#include <cstdint>

namespace sk {

void channel_moments(int64_t n, int64_t c, int64_t s, const float* x, float* mean, float* variance);
void batch_norm_forward(int64_t n, int64_t c, int64_t s, const float* x, const float* mean, const float* rstd,
                        const float* weight, const float* bias, float* y);
void batch_norm_backward(int64_t n, int64_t c, int64_t s, bool batch_stats, const float* x, const float* mean,
                         const float* rstd, const float* weight, const float* dy, float* dx, float* dweight,
                         float* dbias);

// Channels [c0, c1), one set per instruction set.
struct BatchNormFns {
  void (*moments)(int64_t c0, int64_t c1, int64_t n, int64_t c, int64_t s, const float* x, float* mean,
                  float* variance);
  void (*forward)(int64_t c0, int64_t c1, int64_t n, int64_t c, int64_t s, const float* x, const float* mean,
                  const float* rstd, const float* weight, const float* bias, float* y);
  void (*backward)(int64_t c0, int64_t c1, int64_t n, int64_t c, int64_t s, bool batch_stats, const float* x,
                   const float* mean, const float* rstd, const float* weight, const float* dy, float* dx,
                   float* dweight, float* dbias);
};
BatchNormFns batch_norm_fns_portable();
BatchNormFns batch_norm_fns_avx2();
BatchNormFns batch_norm_fns_avx512();

}  // namespace sk
