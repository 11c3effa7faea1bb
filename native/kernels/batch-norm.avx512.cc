#include "batch-norm-impl.h"

namespace sk {
BatchNormFns batch_norm_fns_avx512() { return batch_norm_fns_impl(); }
}  // namespace sk
