// Axis permutation into a contiguous copy; mirrors src/kernels/ref/permute.ts.
// x: contiguous [shape]; out: contiguous [shape[perm[0]], …, shape[perm[D−1]]].
#pragma once

#include <cstdint>

namespace sk {

// out[j0, …, jD−1] = x[i] with i[perm[d]] = j[d]. rank <= kMaxRank (binary.h);
// perm is a permutation of 0..rank−1.
void permute(const float* x, int rank, const int64_t* shape, const int64_t* perm, float* out);

}  // namespace sk
