// Argument checking for the N-API glue. Every kernel binding reads its
// arguments through these helpers, which throw a JavaScript TypeError or
// RangeError naming the kernel and the argument, so bad input never reaches
// the plain C++ kernels. Typed arrays are used in place, never copied.
#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace sk::binding {

struct F32 {
  float* data;
  int64_t length;
};
struct I32 {
  int32_t* data;
  int64_t length;
};

class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* kernel, size_t count) : info_(info), kernel_(kernel) {
    if (info.Length() != count) {
      fail("expects " + std::to_string(count) + " arguments, got " + std::to_string(info.Length()));
    }
  }

  F32 f32(size_t i, const char* name) const {
    const Napi::Value v = info_[i];
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
      fail(std::string("argument ") + name + " must be a Float32Array");
    }
    auto a = v.As<Napi::Float32Array>();
    return {a.Data(), static_cast<int64_t>(a.ElementLength())};
  }

  I32 i32(size_t i, const char* name) const {
    const Napi::Value v = info_[i];
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
      fail(std::string("argument ") + name + " must be an Int32Array");
    }
    auto a = v.As<Napi::Int32Array>();
    return {a.Data(), static_cast<int64_t>(a.ElementLength())};
  }

  // A non-negative integer (sizes, strides, offsets, op codes).
  int64_t index(size_t i, const char* name) const {
    const double d = number(i, name);
    if (d < 0 || d != std::floor(d) || d > 9.0e15) fail(std::string("argument ") + name + " must be a non-negative integer");
    return static_cast<int64_t>(d);
  }

  double number(size_t i, const char* name) const {
    const Napi::Value v = info_[i];
    if (!v.IsNumber()) fail(std::string("argument ") + name + " must be a number");
    return v.As<Napi::Number>().DoubleValue();
  }

  bool boolean(size_t i, const char* name) const {
    const Napi::Value v = info_[i];
    if (!v.IsBoolean()) fail(std::string("argument ") + name + " must be a boolean");
    return v.As<Napi::Boolean>().Value();
  }

  // Throws a RangeError unless `have` elements cover the `need` the sizes imply.
  void fits(int64_t have, int64_t need, const char* name) const {
    if (have < need) {
      throw Napi::RangeError::New(info_.Env(), std::string(kernel_) + ": " + name + " holds " + std::to_string(have) +
                                                   " elements but the sizes given need " + std::to_string(need));
    }
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw Napi::TypeError::New(info_.Env(), std::string(kernel_) + ": " + what);
  }

 private:
  const Napi::CallbackInfo& info_;
  const char* kernel_;
};

// Each binding file registers its functions with a static Registration,
// so adding a kernel file needs no edit to addon.cc.
using Registrar = void (*)(Napi::Env env, Napi::Object exports);

inline std::vector<Registrar>& registrars() {
  static std::vector<Registrar> list;
  return list;
}

struct Registration {
  explicit Registration(Registrar r) { registrars().push_back(r); }
};

}  // namespace sk::binding
