// softmaxRows(rows, cols, log, x, y) and softmaxRowsBackward(rows, cols, log, y, dy, dx),
// as src/kernels/ref/softmax.ts.
#include "softmax.h"

#include "args.h"
#include "strided-args.h"

namespace sk::binding {
namespace {

Napi::Value SoftmaxRows(const Napi::CallbackInfo& info) {
  const char* k = "softmaxRows";
  Args args(info, k, 5);
  const int64_t n = elements(info.Env(), k, args.index(0, "rows"), args.index(1, "cols"));
  const bool log = args.boolean(2, "log");
  const F32 x = args.f32(3, "x");
  const F32 y = args.f32(4, "y");
  args.fits(x.length, n, "x");
  args.fits(y.length, n, "y");
  sk::softmax_rows(args.index(0, "rows"), args.index(1, "cols"), log, x.data, y.data);
  return info.Env().Undefined();
}

Napi::Value SoftmaxRowsBackward(const Napi::CallbackInfo& info) {
  const char* k = "softmaxRowsBackward";
  Args args(info, k, 6);
  const int64_t n = elements(info.Env(), k, args.index(0, "rows"), args.index(1, "cols"));
  const bool log = args.boolean(2, "log");
  const F32 y = args.f32(3, "y");
  const F32 dy = args.f32(4, "dy");
  const F32 dx = args.f32(5, "dx");
  args.fits(y.length, n, "y");
  args.fits(dy.length, n, "dy");
  args.fits(dx.length, n, "dx");
  sk::softmax_rows_backward(args.index(0, "rows"), args.index(1, "cols"), log, y.data, dy.data, dx.data);
  return info.Env().Undefined();
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("softmaxRows", Napi::Function::New(env, SoftmaxRows, "softmaxRows"));
  exports.Set("softmaxRowsBackward", Napi::Function::New(env, SoftmaxRowsBackward, "softmaxRowsBackward"));
}

static Registration reg(&Register);

}  // namespace
}  // namespace sk::binding
