// crossEntropyRows(rows, cols, ignoreIndex, smoothing, logits, targets, lse, losses) and
// crossEntropyRowsBackward(rows, cols, ignoreIndex, smoothing, logits, targets, lse, gradRows, dlogits),
// as src/kernels/ref/cross-entropy.ts. Targets are checked here, so no row reads outside its logits.
#include "cross-entropy.h"

#include <cmath>

#include "args.h"
#include "strided-args.h"

namespace sk::binding {
namespace {

struct Common {
  int64_t rows, cols;
  int32_t ignore;
  double smoothing;
  F32 logits;
  I32 targets;
};

Common common(const Args& args, const Napi::Env& env, const char* k) {
  Common c{args.index(0, "rows"), args.index(1, "cols"), 0, 0, {}, {}};
  const double ignore = args.number(2, "ignoreIndex");
  if (ignore != std::floor(ignore) || ignore < -2147483648.0 || ignore > 2147483647.0) {
    range_error(env, k, "ignoreIndex must be a 32-bit integer, got " + std::to_string(ignore));
  }
  c.ignore = static_cast<int32_t>(ignore);
  c.smoothing = args.number(3, "smoothing");
  c.logits = args.f32(4, "logits");
  c.targets = args.i32(5, "targets");
  args.fits(c.logits.length, elements(env, k, c.rows, c.cols), "logits");
  args.fits(c.targets.length, c.rows, "targets");
  for (int64_t r = 0; r < c.rows; r++) {
    const int32_t t = c.targets.data[r];
    if (t != c.ignore && (t < 0 || t >= c.cols)) {
      range_error(env, k, "targets[" + std::to_string(r) + "] is " + std::to_string(t) + ", outside [0, " +
                              std::to_string(c.cols) + ") and not ignoreIndex " + std::to_string(c.ignore));
    }
  }
  return c;
}

Napi::Value CrossEntropyRows(const Napi::CallbackInfo& info) {
  const char* k = "crossEntropyRows";
  Args args(info, k, 8);
  const Common c = common(args, info.Env(), k);
  const F32 lse = args.f32(6, "lse");
  const F32 losses = args.f32(7, "losses");
  args.fits(lse.length, c.rows, "lse");
  args.fits(losses.length, c.rows, "losses");
  sk::cross_entropy_rows(c.rows, c.cols, c.ignore, c.smoothing, c.logits.data, c.targets.data, lse.data, losses.data);
  return info.Env().Undefined();
}

Napi::Value CrossEntropyRowsBackward(const Napi::CallbackInfo& info) {
  const char* k = "crossEntropyRowsBackward";
  Args args(info, k, 9);
  const Common c = common(args, info.Env(), k);
  const F32 lse = args.f32(6, "lse");
  const F32 grad_rows = args.f32(7, "gradRows");
  const F32 dlogits = args.f32(8, "dlogits");
  args.fits(lse.length, c.rows, "lse");
  args.fits(grad_rows.length, c.rows, "gradRows");
  args.fits(dlogits.length, c.rows * c.cols, "dlogits");
  sk::cross_entropy_rows_backward(c.rows, c.cols, c.ignore, c.smoothing, c.logits.data, c.targets.data, lse.data,
                                  grad_rows.data, dlogits.data);
  return info.Env().Undefined();
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("crossEntropyRows", Napi::Function::New(env, CrossEntropyRows, "crossEntropyRows"));
  exports.Set("crossEntropyRowsBackward", Napi::Function::New(env, CrossEntropyRowsBackward, "crossEntropyRowsBackward"));
}

static Registration reg(&Register);

}  // namespace
}  // namespace sk::binding
