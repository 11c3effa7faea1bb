#include "softmax-impl.h"

namespace sk {
SoftmaxFns softmax_fns_avx2() { return softmax_fns_impl(); }
}  // namespace sk
