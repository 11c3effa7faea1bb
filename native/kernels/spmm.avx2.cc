#include "spmm-impl.h"

namespace sk {
const SpmmIsa& spmm_isa_avx2() {
  static const SpmmIsa isa = make_spmm_isa();
  return isa;
}
}  // namespace sk
