// reduceMax walks x in memory order (o, a, i), keeping the running maximum
// of each (o, i) in out and arg, so the inner loop over i is contiguous and
// vectorises; a column whose maximum is already NaN takes no more updates.
#include "reduce-max.h"

#include <cstring>

#include "thread-pool.h"

namespace sk {
namespace {

constexpr int64_t kGrain = 1 << 15;

}  // namespace

void reduce_max(int64_t outer, int64_t axis_len, int64_t inner, const float* x, float* out, int32_t* arg) {
  const int64_t per = axis_len * inner;
  parallel_for(outer, per >= kGrain ? 1 : kGrain / (per > 0 ? per : 1), [&](int64_t o0, int64_t o1, int) {
    for (int64_t o = o0; o < o1; o++) {
      const float* xo = x + o * per;
      float* best = out + o * inner;
      int32_t* at = arg + o * inner;
      std::memcpy(best, xo, sizeof(float) * inner);
      for (int64_t i = 0; i < inner; i++) at[i] = 0;
      for (int64_t a = 1; a < axis_len; a++) {
        const float* row = xo + a * inner;
        const int32_t ai = static_cast<int32_t>(a);
        for (int64_t i = 0; i < inner; i++) {
          const float v = row[i];
          const float b = best[i];
          const bool take = b == b && (v > b || v != v);
          best[i] = take ? v : b;
          at[i] = take ? ai : at[i];
        }
      }
    }
  });
}

void reduce_max_backward(int64_t outer, int64_t axis_len, int64_t inner, const float* g, const int32_t* arg,
                         float* dx) {
  const int64_t per = axis_len * inner;
  parallel_for(outer, per >= kGrain ? 1 : kGrain / (per > 0 ? per : 1), [&](int64_t o0, int64_t o1, int) {
    for (int64_t o = o0; o < o1; o++) {
      float* d = dx + o * per;
      std::memset(d, 0, sizeof(float) * per);
      for (int64_t i = 0; i < inner; i++) d[arg[o * inner + i] * inner + i] = g[o * inner + i];
    }
  });
}

}  // namespace sk
