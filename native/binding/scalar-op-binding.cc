// scalarOp(op, x, s, out) and scalarOpBackward(op, x, s, g, out), as src/kernels/ref/scalar-op.ts.
#include "scalar-op.h"

#include "args.h"
#include "strided-args.h"

namespace sk::binding {
namespace {

ScalarOp op_arg(const Args& args, const Napi::Env& env, const char* k) {
  const int64_t op = args.index(0, "op");
  if (op >= kScalarOpCount) {
    range_error(env, k, "op " + std::to_string(op) + " is not a ScalarOp code (0 to " + std::to_string(kScalarOpCount - 1) + ")");
  }
  return static_cast<ScalarOp>(op);
}

Napi::Value ScalarOpForward(const Napi::CallbackInfo& info) {
  const char* k = "scalarOp";
  Args args(info, k, 4);
  const ScalarOp op = op_arg(args, info.Env(), k);
  const F32 x = args.f32(1, "x");
  const double s = args.number(2, "s");
  const F32 out = args.f32(3, "out");
  args.fits(x.length, out.length, "x");
  sk::scalar_op(op, x.data, s, out.data, out.length);
  return info.Env().Undefined();
}

Napi::Value ScalarOpBackward(const Napi::CallbackInfo& info) {
  const char* k = "scalarOpBackward";
  Args args(info, k, 5);
  const ScalarOp op = op_arg(args, info.Env(), k);
  const F32 x = args.f32(1, "x");
  const double s = args.number(2, "s");
  const F32 g = args.f32(3, "g");
  const F32 out = args.f32(4, "out");
  args.fits(x.length, out.length, "x");
  args.fits(g.length, out.length, "g");
  sk::scalar_op_backward(op, x.data, s, g.data, out.data, out.length);
  return info.Env().Undefined();
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("scalarOp", Napi::Function::New(env, ScalarOpForward, "scalarOp"));
  exports.Set("scalarOpBackward", Napi::Function::New(env, ScalarOpBackward, "scalarOpBackward"));
}

static Registration reg(&Register);

}  // namespace
}  // namespace sk::binding
