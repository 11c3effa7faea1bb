// Embedding: the forward copies rows, split by token; the backward splits
// the D columns between threads instead, so every destination element still
// receives its additions in token order and repeated ids need no locking.
#include "embedding.h"

#include <cstring>

#include "thread-pool.h"

namespace sk {
namespace {

constexpr int64_t kGrain = 1 << 15;
// Column blocks of whole cache lines, so threads never share one.
constexpr int64_t kLine = 16;

}  // namespace

void embedding_forward(int64_t n, int64_t d, const float* weight, const int32_t* ids, float* y) {
  parallel_for(n, d >= kGrain ? 1 : kGrain / (d > 0 ? d : 1), [&](int64_t i0, int64_t i1, int) {
    for (int64_t i = i0; i < i1; i++) std::memcpy(y + i * d, weight + static_cast<int64_t>(ids[i]) * d, sizeof(float) * d);
  });
}

void embedding_backward(int64_t n, int64_t d, const int32_t* ids, const float* dy, float* dweight) {
  const int64_t lines = (d + kLine - 1) / kLine;
  const int64_t per_line = n * kLine;
  parallel_for(lines, per_line >= kGrain ? 1 : kGrain / (per_line > 0 ? per_line : 1), [&](int64_t l0, int64_t l1, int) {
    const int64_t j0 = l0 * kLine;
    const int64_t j1 = l1 * kLine < d ? l1 * kLine : d;
    for (int64_t i = 0; i < n; i++) {
      float* dst = dweight + static_cast<int64_t>(ids[i]) * d;
      const float* src = dy + i * d;
      for (int64_t j = j0; j < j1; j++) dst[j] += src[j];
    }
  });
}

}  // namespace sk
