#include "thread-pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace sk {
namespace {

class Pool {
 public:
  explicit Pool(int n) { resize(n); }
  ~Pool() { stop(); }

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  void resize(int n) {
    n = std::max(1, n);
    if (n == size() && started_) return;
    stop();
    stopping_ = false;
    started_ = true;
    // A new worker must not take the last job (already finished) for a new one.
    const uint64_t current = generation_;
    for (int i = 1; i < n; i++) workers_.emplace_back([this, i, current] { loop(i, current); });
  }

  // Runs task(t, nt) for t in [0, nt); the caller runs t = 0.
  void run(int nt, const std::function<void(int, int)>& task) {
    nt = std::max(1, std::min(nt, size()));
    if (nt == 1) {
      task(0, 1);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      task_ = &task;
      tasks_ = nt;
      pending_.store(nt - 1, std::memory_order_relaxed);
      generation_++;
    }
    cv_.notify_all();
    task(0, nt);
    // Workers finish quickly for kernel-sized jobs: spin, then sleep.
    for (int spin = 0; pending_.load(std::memory_order_acquire) != 0; spin++) {
      if (spin > 20000) {
        std::unique_lock<std::mutex> lock(mu_);
        done_cv_.wait(lock, [this] { return pending_.load(std::memory_order_acquire) == 0; });
        break;
      }
    }
  }

 private:
  void loop(int id, uint64_t seen) {
    for (;;) {
      const std::function<void(int, int)>* task;
      int nt;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || generation_ != seen; });
        if (stopping_) return;
        seen = generation_;
        task = task_;
        nt = tasks_;
      }
      if (id < nt) {
        (*task)(id, nt);
        if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
          std::lock_guard<std::mutex> lock(mu_);
          done_cv_.notify_all();
        }
      }
    }
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
  }

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable done_cv_;
  const std::function<void(int, int)>* task_ = nullptr;
  int tasks_ = 0;
  uint64_t generation_ = 0;
  std::atomic<int> pending_{0};
  bool stopping_ = false;
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
