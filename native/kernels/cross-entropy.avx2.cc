#include "cross-entropy-impl.h"

namespace sk {
CrossEntropyFns cross_entropy_fns_avx2() { return cross_entropy_fns_impl(); }
}  // namespace sk
