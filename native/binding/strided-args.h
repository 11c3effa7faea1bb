// Checks shared by the kernel bindings: shapes and strides arrive as
// Int32Arrays and must be non-negative, of matching rank, and reach no
// element outside the buffers they index; row kernels check rows·cols.
#pragma once

#include <napi.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "args.h"
#include "binary.h"

namespace sk::binding {

[[noreturn]] inline void range_error(const Napi::Env& env, const char* kernel, const std::string& what) {
  throw Napi::RangeError::New(env, std::string(kernel) + ": " + what);
}

// A shape as int64, each entry >= 0, rank <= kMaxRank; its element count in *total.
inline std::vector<int64_t> checked_shape(const Napi::Env& env, const char* kernel, const I32& s, const char* name,
                                          int64_t* total) {
  if (s.length > kMaxRank) {
    range_error(env, kernel, std::string(name) + " has rank " + std::to_string(s.length) + "; the native kernels take at most " +
                                 std::to_string(kMaxRank) + " dimensions");
  }
  std::vector<int64_t> out(static_cast<size_t>(s.length));
  int64_t n = 1;
  for (int64_t d = 0; d < s.length; d++) {
    if (s.data[d] < 0) {
      range_error(env, kernel, std::string(name) + "[" + std::to_string(d) + "] is " + std::to_string(s.data[d]) +
                                   "; sizes must be >= 0");
    }
    out[static_cast<size_t>(d)] = s.data[d];
    n *= s.data[d];
    if (n > (int64_t{1} << 46)) range_error(env, kernel, std::string(name) + " has too many elements");
  }
  *total = n;
  return out;
}

// Strides of one operand in the coordinates of `shape`: same rank, each >= 0.
inline std::vector<int64_t> checked_strides(const Napi::Env& env, const char* kernel, const I32& s, const char* name,
                                            const std::vector<int64_t>& shape, const char* shape_name) {
  if (s.length != static_cast<int64_t>(shape.size())) {
    range_error(env, kernel, std::string(name) + " has " + std::to_string(s.length) + " entries but " + shape_name +
                                 " has rank " + std::to_string(shape.size()) + "; pass one stride per dimension");
  }
  std::vector<int64_t> out(shape.size());
  for (size_t d = 0; d < shape.size(); d++) {
    if (s.data[d] < 0) {
      range_error(env, kernel, std::string(name) + "[" + std::to_string(d) + "] is " + std::to_string(s.data[d]) +
                                   "; strides must be >= 0");
    }
    out[d] = s.data[d];
  }
  return out;
}

// rows·cols for row kernels, refusing products too large to index.
inline int64_t elements(const Napi::Env& env, const char* kernel, int64_t rows, int64_t cols) {
  if (cols > 0 && rows > (int64_t{1} << 46) / cols) {
    range_error(env, kernel, std::to_string(rows) + " rows of " + std::to_string(cols) + " are too many elements");
  }
  return rows * cols;
}

// The product of sizes, refusing one too large to index.
inline int64_t product(const Napi::Env& env, const char* kernel, std::initializer_list<int64_t> sizes, const char* what) {
  int64_t n = 1;
  for (int64_t s : sizes) {
    if (s != 0 && n > (int64_t{1} << 46) / s) range_error(env, kernel, std::string(what) + " has too many elements");
    n *= s;
  }
  for (int64_t s : sizes) {
    if (s == 0) return 0;
  }
  return n;
}

// An optional per-column array: empty (absent: returns null) or holding at least cols elements.
inline float* optional_cols(const Napi::Env& env, const char* kernel, const F32& a, const char* name, int64_t cols) {
  if (a.length == 0) return nullptr;
  if (a.length < cols) {
    range_error(env, kernel, std::string(name) + " holds " + std::to_string(a.length) + " elements; pass an empty array (none) or at least cols = " +
                                 std::to_string(cols));
  }
  return a.data;
}

// Elements a strided walk over a non-empty `shape` reaches: 1 + the largest offset.
inline int64_t reach(const std::vector<int64_t>& shape, const std::vector<int64_t>& strides) {
  int64_t last = 0;
  for (size_t d = 0; d < shape.size(); d++) last += (shape[d] - 1) * strides[d];
  return last + 1;
}

}  // namespace sk::binding
