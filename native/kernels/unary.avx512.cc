#include "unary-impl.h"

namespace sk {
UnaryFns unary_fns_avx512() { return unary_fns_impl(); }
}  // namespace sk
