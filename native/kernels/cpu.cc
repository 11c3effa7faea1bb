#include "cpu.h"

#include <cstdlib>
#include <cstring>

namespace sk {

Isa detect_isa() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma")) {
    return Isa::Avx512;
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::Avx2;
#endif
  return Isa::Portable;
}

static Isa initial_isa() {
  Isa best = detect_isa();
  const char* env = std::getenv("SPARSEKIT_ISA");
  if (env == nullptr) return best;
  Isa want = best;
  if (std::strcmp(env, "portable") == 0) want = Isa::Portable;
  else if (std::strcmp(env, "avx2") == 0) want = Isa::Avx2;
  else if (std::strcmp(env, "avx512") == 0) want = Isa::Avx512;
  return static_cast<int>(want) <= static_cast<int>(best) ? want : best;
}

static Isa g_isa = initial_isa();

Isa active_isa() { return g_isa; }

bool set_isa(Isa isa) {
  if (static_cast<int>(isa) > static_cast<int>(detect_isa())) return false;
  g_isa = isa;
  return true;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return "avx512";
    case Isa::Avx2: return "avx2";
    default: return "portable";
  }
}

}  // namespace sk
