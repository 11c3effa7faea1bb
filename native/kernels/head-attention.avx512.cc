#include "head-attention-impl.h"

namespace sk {
AttentionFns attention_fns_avx512() { return attention_fns_impl(); }
}  // namespace sk
