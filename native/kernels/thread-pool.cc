#include "thread-pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SK_CPU_RELAX() _mm_pause()
#else
#define SK_CPU_RELAX() std::this_thread::yield()
#endif

namespace sk {
namespace {

// How long an idle worker spins before it sleeps. Kernels come from
// JavaScript one after another with a few to a few hundred microseconds of
// script between them; waking a sleeping thread costs tens of microseconds,
// which made two threads slower than one on small kernels.
constexpr auto kSpinTime = std::chrono::microseconds(300);

// A job is published as one word, (serial << kCountBits) | task count, and
// its tasks are claimed from a second word, (serial << kCountBits) | next
// task: whichever thread comes first runs the next task, so a worker that
// wakes late (the other core busy with the garbage collector, say) delays
// nothing — the caller runs its tasks instead of waiting for it — and a
// worker still holding an old job's serial can never claim a new job's task.
constexpr int kCountBits = 16;
constexpr int kMaxThreads = (1 << kCountBits) - 1;

class Pool {
 public:
  explicit Pool(int n) { resize(n); }
  ~Pool() { stop(); }

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  void resize(int n) {
    n = std::clamp(n, 1, kMaxThreads);
    if (n == size() && started_) return;
    stop();
    stopping_.store(false);
    started_ = true;
    // A new worker must not take the last job (already finished) for a new one.
    const uint64_t current = job_.load();
    for (int i = 1; i < n; i++) workers_.emplace_back([this, current] { loop(current); });
  }

  // Runs task(t, nt) once for each t in [0, nt), on the caller and the workers.
  void run(int nt, const std::function<void(int, int)>& task) {
    nt = std::max(1, std::min(nt, size()));
    if (nt == 1) {
      task(0, 1);
      return;
    }
    task_ = &task;
    done_.store(0, std::memory_order_relaxed);
    const uint64_t serial = (job_.load(std::memory_order_relaxed) >> kCountBits) + 1;
    claim_.store(serial << kCountBits);
    job_.store((serial << kCountBits) | static_cast<uint64_t>(nt));  // seq_cst: pairs with sleepers_
    if (sleepers_.load() > 0) {
      std::lock_guard<std::mutex> lock(mu_);
      cv_.notify_all();
    }
    work(serial, nt);
    while (done_.load(std::memory_order_acquire) != nt) SK_CPU_RELAX();
  }

 private:
  // Waits for a job other than `seen`: spins for kSpinTime, then sleeps.
  uint64_t next_job(uint64_t seen) {
    const auto start = std::chrono::steady_clock::now();
    for (int spin = 0;; spin++) {
      const uint64_t job = job_.load(std::memory_order_acquire);
      if (job != seen || stopping_.load(std::memory_order_relaxed)) return job;
      SK_CPU_RELAX();
      if ((spin & 63) == 63 && std::chrono::steady_clock::now() - start > kSpinTime) break;
    }
    std::unique_lock<std::mutex> lock(mu_);
    sleepers_.fetch_add(1);  // seq_cst: a publisher that missed this sees the new job below
    cv_.wait(lock, [&] { return stopping_.load() || job_.load() != seen; });
    sleepers_.fetch_sub(1);
    return job_.load(std::memory_order_acquire);
  }

  // Claims and runs tasks of job `serial` until none is left.
  void work(uint64_t serial, int nt) {
    for (;;) {
      uint64_t claim = claim_.load();
      do {
        if ((claim >> kCountBits) != serial || static_cast<int>(claim & kMaxThreads) >= nt) return;
      } while (!claim_.compare_exchange_weak(claim, claim + 1));
      (*task_)(static_cast<int>(claim & kMaxThreads), nt);
      done_.fetch_add(1, std::memory_order_acq_rel);
    }
  }

  void loop(uint64_t seen) {
    for (;;) {
      const uint64_t job = next_job(seen);
      if (stopping_.load()) return;
      seen = job;
      work(job >> kCountBits, static_cast<int>(job & kMaxThreads));
    }
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_.store(true);
    }
    cv_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
  }

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_;
  const std::function<void(int, int)>* task_ = nullptr;
  std::atomic<uint64_t> job_{0};
  std::atomic<uint64_t> claim_{0};
  std::atomic<int> done_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<bool> stopping_{false};
  bool started_ = false;
};

Pool& pool() {
  static Pool p(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  return p;
}

}  // namespace

int get_threads() { return pool().size(); }

void set_threads(int n) { pool().resize(n); }

void parallel_run(int max_tasks, const std::function<void(int, int)>& fn) { pool().run(max_tasks, fn); }

void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t, int)>& fn) {
  if (n <= 0) return;
  grain = std::max<int64_t>(1, grain);
  const int64_t max_chunks = (n + grain - 1) / grain;
  const int nt = static_cast<int>(std::min<int64_t>(get_threads(), max_chunks));
  if (nt <= 1) {
    fn(0, n, 0);
    return;
  }
  pool().run(nt, [&](int t, int count) {
    const int64_t begin = n * t / count;
    const int64_t end = n * (t + 1) / count;
    if (begin < end) fn(begin, end, t);
  });
}

}  // namespace sk
