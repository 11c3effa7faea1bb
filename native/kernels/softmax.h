// Row-wise softmax and log-softmax with their backward passes; mirrors
// src/kernels/ref/softmax.ts. x, y, dy, dx: [R, C] row-major.
#pragma once

#include <cstdint>

namespace sk {

// y[r, :] = softmax(x[r, :]) (log-softmax when log).
void softmax_rows(int64_t rows, int64_t cols, bool log, const float* x, float* y);
// softmax: dx = y·(dy − Σ dy·y); log-softmax: dx = dy − exp(y)·Σ dy.
void softmax_rows_backward(int64_t rows, int64_t cols, bool log, const float* y, const float* dy, float* dx);

// Rows [r0, r1), one pair per instruction set.
struct SoftmaxFns {
  void (*forward)(int64_t r0, int64_t r1, int64_t cols, bool log, const float* x, float* y);
  void (*backward)(int64_t r0, int64_t r1, int64_t cols, bool log, const float* y, const float* dy, float* dx);
};
SoftmaxFns softmax_fns_portable();
SoftmaxFns softmax_fns_avx2();
SoftmaxFns softmax_fns_avx512();

}  // namespace sk
