#include "spmm-csr-impl.h"

namespace sk {
const CsrIsa& csr_isa_avx2() {
  static const CsrIsa isa = make_csr_isa();
  return isa;
}
}  // namespace sk
