// Instruction-set choice at run time. Kernels with ISA variants call
// active_isa() and dispatch to *_avx512 / *_avx2 / portable versions.
#pragma once

namespace sk {

enum class Isa { Portable = 0, Avx2 = 1, Avx512 = 2 };

// Best ISA this CPU supports (AVX-512 F/BW/DQ/VL, AVX2+FMA, or portable).
Isa detect_isa();
// The ISA kernels use now: detect_isa() unless lowered by set_isa (tests
// run every path) or by SPARSEKIT_ISA=portable|avx2|avx512 at load time.
Isa active_isa();
// Returns false when the CPU does not support `isa`.
bool set_isa(Isa isa);
const char* isa_name(Isa isa);

// Defined in *.avx2.cc / *.avx512.cc: prove those objects are linked in.
int probe_avx2();
int probe_avx512();

}  // namespace sk
