// N:M magnitude mask; mirrors src/kernels/ref/nm-mask.ts. w, out: [outer,
// dim, inner]; along dim, each run of m entries (stride inner) is a group in
// which out marks with 1 the n largest |w| (ties to the lower index; NaN
// below every number) and 0 the rest.
#pragma once

#include <cstdint>

namespace sk {

// 1 <= n <= m, m divides dim.
void nm_mask(const float* w, int64_t outer, int64_t dim, int64_t inner, int64_t n, int64_t m, float* out);

}  // namespace sk
