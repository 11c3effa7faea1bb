// Per-thread scratch of the kernels (GEMM packing, convolution chunks,
// attention heads): a 64-byte-aligned buffer, reused across calls, grown,
// never shrunk. Each kernel file keeps its own thread_local ones, so a
// thread's scratch is never shared.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <new>

namespace sk {

inline int64_t round16(int64_t n) { return (n + 15) / 16 * 16; }

class ScratchArena {
 public:
  ScratchArena() = default;
  ScratchArena(const ScratchArena&) = delete;
  ScratchArena& operator=(const ScratchArena&) = delete;
  ~ScratchArena() { std::free(data_); }

  // At least n floats; the contents are undefined.
  float* reserve(int64_t n) {
    if (n > cap_) {
      std::free(data_);
      data_ = nullptr;
      cap_ = 0;
      void* p = std::aligned_alloc(64, static_cast<size_t>(round16(n)) * sizeof(float));
      if (p == nullptr) throw std::bad_alloc();
      data_ = static_cast<float*>(p);
      cap_ = n;
    }
    return data_;
  }

 private:
  float* data_ = nullptr;
  int64_t cap_ = 0;
};

}  // namespace sk
