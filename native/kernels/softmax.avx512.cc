#include "softmax-impl.h"

namespace sk {
SoftmaxFns softmax_fns_avx512() { return softmax_fns_impl(); }
}  // namespace sk
