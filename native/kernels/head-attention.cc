// Driver of head attention: (batch, head) pairs split between threads, each
// with its own scratch; loops of the active instruction set
// (head-attention-impl.h).
#include <algorithm>

#include "cpu.h"
#include "head-attention-impl.h"
#include "scratch-arena.h"
#include "thread-pool.h"

namespace sk {
namespace {

// Multiply-adds per thread below which waking a worker costs more than it saves.
constexpr int64_t kGrainWork = 1 << 16;

AttentionFns fns() {
  switch (active_isa()) {
    case Isa::Avx512: return attention_fns_avx512();
    case Isa::Avx2: return attention_fns_avx2();
    default: return attention_fns_portable();
  }
}

int64_t pair_grain(const AttentionDims& dm) {
  const int64_t work = std::max<int64_t>(1, dm.t * dm.s * (dm.d + dm.dv));
  return std::max<int64_t>(1, kGrainWork / work);
}

// Each thread's gathered keys, values and gradients of one (batch, head) pair.
thread_local ScratchArena t_scratch;

}  // namespace

AttentionFns attention_fns_portable() { return attention_fns_impl(); }

int64_t head_attention_scratch(const AttentionDims& dm) {
  // Rows padded to a whole vector of the widest instruction set (16 floats).
  const auto pad = round16;
  const int64_t t = pad(dm.t), d = pad(dm.d), dv = pad(dm.dv);
  const int64_t forward = dm.d * t + dm.s * (dv + t);
  const int64_t backward = dm.s * (d + 2 * t) + dm.t * (d + dv) + dm.dv * t;
  return std::max(forward, backward);
}

void head_attention(const AttentionDims& dm, const float* q, const float* k, const float* v, float* out, float* probs) {
  const auto f = fns().forward;
  const int64_t floats = head_attention_scratch(dm);
  parallel_for(dm.batch * dm.heads, pair_grain(dm), [&](int64_t p0, int64_t p1, int) {
    f(p0, p1, dm, q, k, v, out, probs, t_scratch.reserve(floats));
  });
}

void head_attention_backward(const AttentionDims& dm, const float* q, const float* k, const float* v,
                             const float* probs, const float* dout, float* dq, float* dk, float* dv) {
  const auto f = fns().backward;
  const int64_t floats = head_attention_scratch(dm);
  parallel_for(dm.batch * dm.heads, pair_grain(dm), [&](int64_t p0, int64_t p1, int) {
    f(p0, p1, dm, q, k, v, probs, dout, dq, dk, dv, t_scratch.reserve(floats));
  });
}

}  // namespace sk
