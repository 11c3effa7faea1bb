#include "layer-norm-impl.h"

namespace sk {
LayerNormFns layer_norm_fns_avx2() { return layer_norm_fns_impl(); }
}  // namespace sk
