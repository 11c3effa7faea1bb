// Cross-entropy over rows of logits, forward and backward; mirrors
// src/kernels/ref/cross-entropy.ts. logits, dlogits: [R, C]; targets, lse,
// losses, grad_rows: [R]. Every target is ignore_index or in [0, C).
#pragma once

#include <cstdint>

namespace sk {

void cross_entropy_rows(int64_t rows, int64_t cols, int32_t ignore_index, double smoothing, const float* logits,
                        const int32_t* targets, float* lse, float* losses);
void cross_entropy_rows_backward(int64_t rows, int64_t cols, int32_t ignore_index, double smoothing,
                                 const float* logits, const int32_t* targets, const float* lse,
                                 const float* grad_rows, float* dlogits);

// Rows [r0, r1), one pair per instruction set.
struct CrossEntropyFns {
  void (*forward)(int64_t r0, int64_t r1, int64_t cols, int32_t ignore_index, double smoothing, const float* logits,
                  const int32_t* targets, float* lse, float* losses);
  void (*backward)(int64_t r0, int64_t r1, int64_t cols, int32_t ignore_index, double smoothing, const float* logits,
                   const int32_t* targets, const float* lse, const float* grad_rows, float* dlogits);
};
CrossEntropyFns cross_entropy_fns_portable();
CrossEntropyFns cross_entropy_fns_avx2();
CrossEntropyFns cross_entropy_fns_avx512();

}  // namespace sk
