// Max along one axis with its position, and the gradient; mirrors
// src/kernels/ref/reduce-max.ts. x, dx: [O, A, I]; out, arg, g: [O, I].
#pragma once

#include <cstdint>

namespace sk {

// out = max over a, arg = the first a attaining it; the first NaN wins. axis_len >= 1.
void reduce_max(int64_t outer, int64_t axis_len, int64_t inner, const float* x, float* out, int32_t* arg);
// dx overwritten: g at each arg, 0 elsewhere. Every arg is in [0, axis_len).
void reduce_max_backward(int64_t outer, int64_t axis_len, int64_t inner, const float* g, const int32_t* arg,
                         float* dx);

}  // namespace sk
