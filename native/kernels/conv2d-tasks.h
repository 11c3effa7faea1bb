// Work sharing of the convolution kernels: tasks claim items (chunks of the
// batch) one at a time from a shared counter instead of taking fixed halves.
// In training, V8's garbage-collector threads share the cores with the pool;
// a preempted thread then holds back one item, not half of the work. Which
// thread runs an item never changes its result.
#pragma once

#include <atomic>
#include <cstdint>

#include "thread-pool.h"

namespace sk {

// Runs fn(item, task) for every item in [0, n) on up to get_threads() tasks
// (task < get_threads(), for per-task scratch).
template <class F>
void claim_items(int64_t n, const F& fn) {
  if (n <= 0) return;
  std::atomic<int64_t> next{0};
  const int tasks = n < get_threads() ? static_cast<int>(n) : get_threads();
  parallel_run(tasks, [&](int t, int) {
    for (int64_t i = next.fetch_add(1, std::memory_order_relaxed); i < n; i = next.fetch_add(1, std::memory_order_relaxed)) {
      fn(i, t);
    }
  });
}

}  // namespace sk
