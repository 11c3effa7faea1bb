// Driver of scalarOp: elements split between threads, loops of the active
// instruction set (scalar-op-impl.h).
#include "scalar-op.h"

#include "cpu.h"
#include "scalar-op-impl.h"
#include "thread-pool.h"

namespace sk {
namespace {

constexpr int64_t kGrain = 1 << 15;

ScalarOpFns fns() {
  switch (active_isa()) {
    case Isa::Avx512: return scalar_op_fns_avx512();
    case Isa::Avx2: return scalar_op_fns_avx2();
    default: return scalar_op_fns_portable();
  }
}

}  // namespace

ScalarOpFns scalar_op_fns_portable() { return scalar_op_fns_impl(); }

void scalar_op(ScalarOp op, const float* x, double s, float* out, int64_t n) {
  const auto f = fns().forward;
  parallel_for(n, kGrain, [&](int64_t b, int64_t e, int) { f(op, x, s, out, b, e); });
}

void scalar_op_backward(ScalarOp op, const float* x, double s, const float* g, float* out, int64_t n) {
  const auto f = fns().backward;
  parallel_for(n, kGrain, [&](int64_t b, int64_t e, int) { f(op, x, s, g, out, b, e); });
}

}  // namespace sk
