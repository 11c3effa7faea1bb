#include "batch-norm-impl.h"

namespace sk {
BatchNormFns batch_norm_fns_avx2() { return batch_norm_fns_impl(); }
}  // namespace sk
