#include "sum-to-impl.h"

namespace sk {
void sum_box_avx2(const float* x, const SumBox& box, double* acc) { sum_box_impl(x, box, acc); }
}  // namespace sk
