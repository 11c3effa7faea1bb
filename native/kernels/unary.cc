// Driver of the unary kernels: elements split between threads, loops of the
// active instruction set (unary-impl.h).
#include "unary.h"

#include "cpu.h"
#include "thread-pool.h"
#include "unary-impl.h"

namespace sk {
namespace {

// Elements per thread below which waking a worker costs more than it saves.
constexpr int64_t kGrain = 1 << 14;

UnaryFns fns() {
  switch (active_isa()) {
    case Isa::Avx512: return unary_fns_avx512();
    case Isa::Avx2: return unary_fns_avx2();
    default: return unary_fns_portable();
  }
}

}  // namespace

UnaryFns unary_fns_portable() { return unary_fns_impl(); }

void unary(UnaryOp op, const float* x, float* out, int64_t n) {
  const auto f = fns().forward;
  parallel_for(n, kGrain, [&](int64_t b, int64_t e, int) { f(op, x, out, b, e); });
}

void unary_backward(UnaryOp op, const float* x, const float* y, const float* g, float* out, int64_t n) {
  const auto f = fns().backward;
  parallel_for(n, kGrain, [&](int64_t b, int64_t e, int) { f(op, x, y, g, out, b, e); });
}

}  // namespace sk
