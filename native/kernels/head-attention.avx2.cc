#include "head-attention-impl.h"

namespace sk {
AttentionFns attention_fns_avx2() { return attention_fns_impl(); }
}  // namespace sk
