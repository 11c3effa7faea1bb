// Driver of batch normalisation: channels split between threads, loops of
// the active instruction set (batch-norm-impl.h). Each channel's sums stay
// on one thread, so results do not depend on the thread count.
#include "batch-norm.h"

#include "batch-norm-impl.h"
#include "cpu.h"
#include "thread-pool.h"

namespace sk {
namespace {

constexpr int64_t kGrain = 1 << 15;

BatchNormFns fns() {
  switch (active_isa()) {
    case Isa::Avx512: return batch_norm_fns_avx512();
    case Isa::Avx2: return batch_norm_fns_avx2();
    default: return batch_norm_fns_portable();
  }
}

// Channels per thread: each is n·s elements.
int64_t channel_grain(int64_t n, int64_t s) {
  const int64_t per = n * s;
  return per >= kGrain ? 1 : kGrain / (per > 0 ? per : 1);
}

}  // namespace

BatchNormFns batch_norm_fns_portable() { return batch_norm_fns_impl(); }

void channel_moments(int64_t n, int64_t c, int64_t s, const float* x, float* mean, float* variance) {
  const auto f = fns().moments;
  parallel_for(c, channel_grain(n, s), [&](int64_t c0, int64_t c1, int) { f(c0, c1, n, c, s, x, mean, variance); });
}

void batch_norm_forward(int64_t n, int64_t c, int64_t s, const float* x, const float* mean, const float* rstd,
                        const float* weight, const float* bias, float* y) {
  const auto f = fns().forward;
  parallel_for(c, channel_grain(n, s),
               [&](int64_t c0, int64_t c1, int) { f(c0, c1, n, c, s, x, mean, rstd, weight, bias, y); });
}

void batch_norm_backward(int64_t n, int64_t c, int64_t s, bool batch_stats, const float* x, const float* mean,
                         const float* rstd, const float* weight, const float* dy, float* dx, float* dweight,
                         float* dbias) {
  const auto f = fns().backward;
  parallel_for(c, channel_grain(n, s), [&](int64_t c0, int64_t c1, int) {
    f(c0, c1, n, c, s, batch_stats, x, mean, rstd, weight, dy, dx, dweight, dbias);
  });
}

}  // namespace sk
