#include "unary-impl.h"

namespace sk {
UnaryFns unary_fns_avx2() { return unary_fns_impl(); }
}  // namespace sk
