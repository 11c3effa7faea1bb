#include "scalar-op-impl.h"

namespace sk {
ScalarOpFns scalar_op_fns_avx2() { return scalar_op_fns_impl(); }
}  // namespace sk
