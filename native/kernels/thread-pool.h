// One process-wide thread pool. The calling thread takes part, so a pool of
// N threads starts N-1 workers. Calls come from JavaScript's main thread
// only (kernels are synchronous), so one job runs at a time.
#pragma once

#include <cstdint>
#include <functional>

namespace sk {

// Threads used by parallel_for (default: hardware concurrency).
int get_threads();
void set_threads(int n);

// Splits [0, n) into at most get_threads() contiguous chunks of at least
// `grain` items and runs fn(begin, end, chunk_index) on them in parallel
// (chunks as parallel_run's tasks).
void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t, int)>& fn);

// Runs fn(t, nt) once for each t in [0, nt), nt = min(get_threads(), max_tasks),
// on the caller and the workers: a thread may run several t (one at a time),
// so tasks must never wait for each other; t is what indexes per-task scratch.
void parallel_run(int max_tasks, const std::function<void(int, int)>& fn);

}  // namespace sk
