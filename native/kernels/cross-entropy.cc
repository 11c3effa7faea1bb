// Driver of cross-entropy: rows split between threads, loops of the active
// instruction set (cross-entropy-impl.h).
#include "cross-entropy.h"

#include "cpu.h"
#include "cross-entropy-impl.h"
#include "thread-pool.h"

namespace sk {
namespace {

constexpr int64_t kGrain = 1 << 14;

CrossEntropyFns fns() {
  switch (active_isa()) {
    case Isa::Avx512: return cross_entropy_fns_avx512();
    case Isa::Avx2: return cross_entropy_fns_avx2();
    default: return cross_entropy_fns_portable();
  }
}

int64_t row_grain(int64_t cols) { return cols >= kGrain ? 1 : kGrain / (cols > 0 ? cols : 1); }

}  // namespace

CrossEntropyFns cross_entropy_fns_portable() { return cross_entropy_fns_impl(); }

void cross_entropy_rows(int64_t rows, int64_t cols, int32_t ignore_index, double smoothing, const float* logits,
                        const int32_t* targets, float* lse, float* losses) {
  const auto f = fns().forward;
  parallel_for(rows, row_grain(cols), [&](int64_t r0, int64_t r1, int) {
    f(r0, r1, cols, ignore_index, smoothing, logits, targets, lse, losses);
  });
}

void cross_entropy_rows_backward(int64_t rows, int64_t cols, int32_t ignore_index, double smoothing,
                                 const float* logits, const int32_t* targets, const float* lse,
                                 const float* grad_rows, float* dlogits) {
  const auto f = fns().backward;
  parallel_for(rows, row_grain(cols), [&](int64_t r0, int64_t r1, int) {
    f(r0, r1, cols, ignore_index, smoothing, logits, targets, lse, grad_rows, dlogits);
  });
}

}  // namespace sk
