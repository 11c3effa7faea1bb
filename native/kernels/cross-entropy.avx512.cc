#include "cross-entropy-impl.h"

namespace sk {
CrossEntropyFns cross_entropy_fns_avx512() { return cross_entropy_fns_impl(); }
}  // namespace sk
