#include "binary-impl.h"

namespace sk {
void binary_range_avx512(BinaryOp op, const float* a, const float* b, float* out, const BinaryPlan& p, int64_t begin,
                         int64_t end) {
  binary_range_impl(op, a, b, out, p, begin, end);
}
}  // namespace sk
