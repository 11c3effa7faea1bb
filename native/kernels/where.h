// Broadcasting select; mirrors src/kernels/ref/where.ts. out: contiguous
// [shape]; cond, a, b are read through strides in out's coordinates (0 along
// broadcast dimensions): out[i] = cond[ic] != 0 ? a[ia] : b[ib] (NaN selects a).
#pragma once

#include <cstdint>

namespace sk {

// rank <= kMaxRank (binary.h); strides non-negative and reaching inside the buffers.
void where(const float* cond, const float* a, const float* b, float* out, int rank, const int64_t* shape,
           const int64_t* cond_strides, const int64_t* a_strides, const int64_t* b_strides);

}  // namespace sk
