// Driver of the binary kernel: merges dimensions, splits the output between
// threads and runs the loops of the active instruction set (binary-impl.h).
#include "binary.h"

#include "binary-impl.h"
#include "cpu.h"
#include "thread-pool.h"

namespace sk {
namespace {

// Below this many output elements per thread, waking a worker costs more
// than it saves.
constexpr int64_t kGrain = 1 << 15;

BinaryPlan make_plan(int rank, const int64_t* shape, const int64_t* as, const int64_t* bs) {
  BinaryPlan p;
  p.rank = 0;
  for (int d = 0; d < rank; d++) {
    if (shape[d] == 1) continue;
    const int q = p.rank - 1;
    if (q >= 0 && p.sa[q] == as[d] * shape[d] && p.sb[q] == bs[d] * shape[d]) {
      p.n[q] *= shape[d];
      p.sa[q] = as[d];
      p.sb[q] = bs[d];
    } else {
      p.n[p.rank] = shape[d];
      p.sa[p.rank] = as[d];
      p.sb[p.rank] = bs[d];
      p.rank++;
    }
  }
  if (p.rank == 0) {
    p.rank = 1;
    p.n[0] = 1;
    p.sa[0] = 0;
    p.sb[0] = 0;
  }
  return p;
}

using RangeFn = void (*)(BinaryOp, const float*, const float*, float*, const BinaryPlan&, int64_t, int64_t);

RangeFn range_fn() {
  switch (active_isa()) {
    case Isa::Avx512: return binary_range_avx512;
    case Isa::Avx2: return binary_range_avx2;
    default: return binary_range_portable;
  }
}

}  // namespace

void binary_range_portable(BinaryOp op, const float* a, const float* b, float* out, const BinaryPlan& p,
                           int64_t begin, int64_t end) {
  binary_range_impl(op, a, b, out, p, begin, end);
}

void binary(BinaryOp op, const float* a, const float* b, float* out, int rank, const int64_t* shape,
            const int64_t* a_strides, const int64_t* b_strides) {
  int64_t total = 1;
  for (int d = 0; d < rank; d++) total *= shape[d];
  if (total == 0) return;
  const BinaryPlan p = make_plan(rank, shape, a_strides, b_strides);
  const RangeFn fn = range_fn();
  parallel_for(total, kGrain, [&](int64_t begin, int64_t end, int) { fn(op, a, b, out, p, begin, end); });
}

}  // namespace sk
