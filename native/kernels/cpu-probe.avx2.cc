#include "cpu.h"

namespace sk {
int probe_avx2() { return 2; }
}  // namespace sk
