// Embedding lookup and its gradient; mirrors src/kernels/ref/embedding.ts.
// weight, dweight: [V, D]; ids: [N] in [0, V); y, dy: [N, D].
#pragma once

#include <cstdint>

namespace sk {

// y[i, :] = weight[ids[i], :]
void embedding_forward(int64_t n, int64_t d, const float* weight, const int32_t* ids, float* y);
// dweight[ids[i], :] += dy[i, :], in order of i (repeated ids add up as in the reference).
void embedding_backward(int64_t n, int64_t d, const int32_t* ids, const float* dy, float* dweight);

}  // namespace sk
