// unary(op, x, out) and unaryBackward(op, x, y, g, out), as src/kernels/ref/unary.ts.
#include "unary.h"

#include "args.h"
#include "strided-args.h"

namespace sk::binding {
namespace {

UnaryOp op_arg(const Args& args, const Napi::Env& env, const char* k) {
  const int64_t op = args.index(0, "op");
  if (op >= kUnaryOpCount) {
    range_error(env, k, "op " + std::to_string(op) + " is not a UnaryOp code (0 to " + std::to_string(kUnaryOpCount - 1) + ")");
  }
  return static_cast<UnaryOp>(op);
}

Napi::Value Unary(const Napi::CallbackInfo& info) {
  const char* k = "unary";
  Args args(info, k, 3);
  const UnaryOp op = op_arg(args, info.Env(), k);
  const F32 x = args.f32(1, "x");
  const F32 out = args.f32(2, "out");
  args.fits(x.length, out.length, "x");
  sk::unary(op, x.data, out.data, out.length);
  return info.Env().Undefined();
}

Napi::Value UnaryBackward(const Napi::CallbackInfo& info) {
  const char* k = "unaryBackward";
  Args args(info, k, 5);
  const UnaryOp op = op_arg(args, info.Env(), k);
  const F32 x = args.f32(1, "x");
  const F32 y = args.f32(2, "y");
  const F32 g = args.f32(3, "g");
  const F32 out = args.f32(4, "out");
  args.fits(x.length, out.length, "x");
  args.fits(y.length, out.length, "y");
  args.fits(g.length, out.length, "g");
  sk::unary_backward(op, x.data, y.data, g.data, out.data, out.length);
  return info.Env().Undefined();
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("unary", Napi::Function::New(env, Unary, "unary"));
  exports.Set("unaryBackward", Napi::Function::New(env, UnaryBackward, "unaryBackward"));
}

static Registration reg(&Register);

}  // namespace
}  // namespace sk::binding
