// Scratch memory of the sparse drivers: a grow-only, 64-byte aligned
// buffer per calling thread, carved into typed parts by a bump allocator.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <new>

namespace sk {
namespace {

class SpmmArena {
 public:
  SpmmArena() = default;
  SpmmArena(const SpmmArena&) = delete;
  SpmmArena& operator=(const SpmmArena&) = delete;
  ~SpmmArena() { std::free(data_); }

  // Makes room for `bytes` (plus alignment slack for `parts` parts) and rewinds.
  void reserve(int64_t bytes, int parts) {
    const int64_t need = bytes + 64 * static_cast<int64_t>(parts);
    if (need > cap_) {
      std::free(data_);
      data_ = nullptr;
      cap_ = 0;
      void* p = std::aligned_alloc(64, static_cast<size_t>((need + 63) / 64 * 64));
      if (p == nullptr) throw std::bad_alloc();
      data_ = static_cast<char*>(p);
      cap_ = need;
    }
    used_ = 0;
  }

  // The next `count` elements of T, 64-byte aligned.
  template <class T>
  T* take(int64_t count) {
    used_ = (used_ + 63) / 64 * 64;
    T* p = reinterpret_cast<T*>(data_ + used_);
    used_ += count * static_cast<int64_t>(sizeof(T));
    return p;
  }

 private:
  char* data_ = nullptr;
  int64_t cap_ = 0;
  int64_t used_ = 0;
};

}  // namespace
}  // namespace sk
