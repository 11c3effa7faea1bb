// The portable (baseline x86-64, 4-lane) table of the sparse products and
// the choice among the three tables at run time (see spmm-isa.h).
#include "cpu.h"
#include "spmm-impl.h"

namespace sk {

const SpmmIsa& spmm_isa_portable() {
  static const SpmmIsa isa = make_spmm_isa();
  return isa;
}

const SpmmIsa& spmm_isa() {
  switch (active_isa()) {
    case Isa::Avx512: return spmm_isa_avx512();
    case Isa::Avx2: return spmm_isa_avx2();
    default: return spmm_isa_portable();
  }
}

}  // namespace sk
