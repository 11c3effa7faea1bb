// binary(op, a, b, out, outShape, aStrides, bStrides), as src/kernels/ref/binary.ts.
#include "binary.h"

#include "args.h"
#include "strided-args.h"

namespace sk::binding {
namespace {

Napi::Value Binary(const Napi::CallbackInfo& info) {
  const char* k = "binary";
  const Napi::Env env = info.Env();
  Args args(info, k, 7);
  const int64_t op = args.index(0, "op");
  if (op >= kBinaryOpCount) {
    range_error(env, k, "op " + std::to_string(op) + " is not a BinaryOp code (0 to " + std::to_string(kBinaryOpCount - 1) + ")");
  }
  const F32 a = args.f32(1, "a");
  const F32 b = args.f32(2, "b");
  const F32 out = args.f32(3, "out");
  int64_t total = 0;
  const std::vector<int64_t> shape = checked_shape(env, k, args.i32(4, "outShape"), "outShape", &total);
  const std::vector<int64_t> as = checked_strides(env, k, args.i32(5, "aStrides"), "aStrides", shape, "outShape");
  const std::vector<int64_t> bs = checked_strides(env, k, args.i32(6, "bStrides"), "bStrides", shape, "outShape");
  if (out.length != total) {
    range_error(env, k, "out holds " + std::to_string(out.length) + " elements but outShape needs " + std::to_string(total));
  }
  if (total == 0) return env.Undefined();
  args.fits(a.length, reach(shape, as), "a");
  args.fits(b.length, reach(shape, bs), "b");
  sk::binary(static_cast<BinaryOp>(op), a.data, b.data, out.data, static_cast<int>(shape.size()), shape.data(), as.data(),
             bs.data());
  return env.Undefined();
}

void Register(Napi::Env env, Napi::Object exports) { exports.Set("binary", Napi::Function::New(env, Binary, "binary")); }

static Registration reg(&Register);

}  // namespace
}  // namespace sk::binding
