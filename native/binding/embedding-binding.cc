// embeddingForward(n, d, weight, ids, y) and embeddingBackward(n, d, ids, dy, dweight),
// as src/kernels/ref/embedding.ts. Every id is checked against the rows the weight holds.
#include "embedding.h"

#include "args.h"
#include "strided-args.h"

namespace sk::binding {
namespace {

void check_ids(const Napi::Env& env, const char* k, const I32& ids, int64_t n, int64_t rows) {
  for (int64_t i = 0; i < n; i++) {
    if (ids.data[i] < 0 || ids.data[i] >= rows) {
      range_error(env, k, "ids[" + std::to_string(i) + "] is " + std::to_string(ids.data[i]) + " but the weight has " +
                              std::to_string(rows) + " rows; ids must lie in [0, " + std::to_string(rows) + ")");
    }
  }
}

Napi::Value EmbeddingForward(const Napi::CallbackInfo& info) {
  const char* k = "embeddingForward";
  const Napi::Env env = info.Env();
  Args args(info, k, 5);
  const int64_t n = args.index(0, "n");
  const int64_t d = args.index(1, "d");
  const F32 weight = args.f32(2, "weight");
  const I32 ids = args.i32(3, "ids");
  const F32 y = args.f32(4, "y");
  args.fits(ids.length, n, "ids");
  args.fits(y.length, elements(env, k, n, d), "y");
  check_ids(env, k, ids, n, d > 0 ? weight.length / d : 0);
  if (d > 0) sk::embedding_forward(n, d, weight.data, ids.data, y.data);
  return env.Undefined();
}

Napi::Value EmbeddingBackward(const Napi::CallbackInfo& info) {
  const char* k = "embeddingBackward";
  const Napi::Env env = info.Env();
  Args args(info, k, 5);
  const int64_t n = args.index(0, "n");
  const int64_t d = args.index(1, "d");
  const I32 ids = args.i32(2, "ids");
  const F32 dy = args.f32(3, "dy");
  const F32 dweight = args.f32(4, "dweight");
  args.fits(ids.length, n, "ids");
  args.fits(dy.length, elements(env, k, n, d), "dy");
  check_ids(env, k, ids, n, d > 0 ? dweight.length / d : 0);
  if (d > 0) sk::embedding_backward(n, d, ids.data, dy.data, dweight.data);
  return env.Undefined();
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("embeddingForward", Napi::Function::New(env, EmbeddingForward, "embeddingForward"));
  exports.Set("embeddingBackward", Napi::Function::New(env, EmbeddingBackward, "embeddingBackward"));
}

static Registration reg(&Register);

}  // namespace
}  // namespace sk::binding
