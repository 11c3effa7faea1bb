// Driver of softmax and log-softmax: rows split between threads, loops of
// the active instruction set (softmax-impl.h).
#include "softmax.h"

#include "cpu.h"
#include "softmax-impl.h"
#include "thread-pool.h"

namespace sk {
namespace {

// Elements per thread below which waking a worker costs more than it saves.
constexpr int64_t kGrain = 1 << 14;

SoftmaxFns fns() {
  switch (active_isa()) {
    case Isa::Avx512: return softmax_fns_avx512();
    case Isa::Avx2: return softmax_fns_avx2();
    default: return softmax_fns_portable();
  }
}

int64_t row_grain(int64_t cols) { return cols >= kGrain ? 1 : kGrain / (cols > 0 ? cols : 1); }

}  // namespace

SoftmaxFns softmax_fns_portable() { return softmax_fns_impl(); }

void softmax_rows(int64_t rows, int64_t cols, bool log, const float* x, float* y) {
  const auto f = fns().forward;
  parallel_for(rows, row_grain(cols), [&](int64_t r0, int64_t r1, int) { f(r0, r1, cols, log, x, y); });
}

void softmax_rows_backward(int64_t rows, int64_t cols, bool log, const float* y, const float* dy, float* dx) {
  const auto f = fns().backward;
  parallel_for(rows, row_grain(cols), [&](int64_t r0, int64_t r1, int) { f(r0, r1, cols, log, y, dy, dx); });
}

}  // namespace sk
