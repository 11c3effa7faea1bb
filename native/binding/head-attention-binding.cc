// headAttention(batch, heads, t, s, d, dv, causal, scale, q, k, v, out, probs) and
// headAttentionBackward(batch, heads, t, s, d, dv, causal, scale, q, k, v, probs, dout, dq, dk, dv),
// as src/kernels/ref/head-attention.ts.
#include "head-attention.h"

#include "args.h"

namespace sk::binding {
namespace {

AttentionDims read_dims(const Args& args) {
  AttentionDims dm{args.index(0, "batch"), args.index(1, "heads"), args.index(2, "t"), args.index(3, "s"),
                   args.index(4, "d"),     args.index(5, "dv"),    args.boolean(6, "causal"),
                   static_cast<float>(args.number(7, "scale"))};
  // Sizes are checked as doubles first, so that an absurd product cannot wrap.
  const double tokens = static_cast<double>(dm.batch) * static_cast<double>(std::max(dm.t, dm.s));
  const double width = static_cast<double>(dm.heads) * static_cast<double>(std::max(dm.d, dm.dv));
  const double pairs = static_cast<double>(dm.batch * dm.heads) * static_cast<double>(dm.t) * static_cast<double>(dm.s);
  if (tokens * width > 9.0e15 || pairs > 9.0e15) args.fail("sizes too large");
  return dm;
}

Napi::Value HeadAttention(const Napi::CallbackInfo& info) {
  Args args(info, "headAttention", 13);
  const AttentionDims dm = read_dims(args);
  const F32 q = args.f32(8, "q"), k = args.f32(9, "k"), v = args.f32(10, "v");
  const F32 out = args.f32(11, "out"), probs = args.f32(12, "probs");
  args.fits(q.length, dm.batch * dm.t * dm.heads * dm.d, "q");
  args.fits(k.length, dm.batch * dm.s * dm.heads * dm.d, "k");
  args.fits(v.length, dm.batch * dm.s * dm.heads * dm.dv, "v");
  args.fits(out.length, dm.batch * dm.t * dm.heads * dm.dv, "out");
  args.fits(probs.length, dm.batch * dm.heads * dm.t * dm.s, "probs");
  sk::head_attention(dm, q.data, k.data, v.data, out.data, probs.data);
  return info.Env().Undefined();
}

Napi::Value HeadAttentionBackward(const Napi::CallbackInfo& info) {
  Args args(info, "headAttentionBackward", 16);
  const AttentionDims dm = read_dims(args);
  const F32 q = args.f32(8, "q"), k = args.f32(9, "k"), v = args.f32(10, "v");
  const F32 probs = args.f32(11, "probs"), dout = args.f32(12, "dout");
  const F32 dq = args.f32(13, "dq"), dk = args.f32(14, "dk"), dv = args.f32(15, "dvOut");
  args.fits(q.length, dm.batch * dm.t * dm.heads * dm.d, "q");
  args.fits(dq.length, dm.batch * dm.t * dm.heads * dm.d, "dq");
  args.fits(k.length, dm.batch * dm.s * dm.heads * dm.d, "k");
  args.fits(dk.length, dm.batch * dm.s * dm.heads * dm.d, "dk");
  args.fits(v.length, dm.batch * dm.s * dm.heads * dm.dv, "v");
  args.fits(dv.length, dm.batch * dm.s * dm.heads * dm.dv, "dvOut");
  args.fits(dout.length, dm.batch * dm.t * dm.heads * dm.dv, "dout");
  args.fits(probs.length, dm.batch * dm.heads * dm.t * dm.s, "probs");
  sk::head_attention_backward(dm, q.data, k.data, v.data, probs.data, dout.data, dq.data, dk.data, dv.data);
  return info.Env().Undefined();
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("headAttention", Napi::Function::New(env, HeadAttention, "headAttention"));
  exports.Set("headAttentionBackward", Napi::Function::New(env, HeadAttentionBackward, "headAttentionBackward"));
}

static Registration reg(&Register);

}  // namespace
}  // namespace sk::binding
