#include "cpu.h"

namespace sk {
int probe_avx512() { return 512; }
}  // namespace sk
