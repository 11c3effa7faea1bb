// The addon's entry point: build facts and thread-pool control, then every
// kernel binding registered by the other files in this folder.
#include <napi.h>

#include "args.h"
#include "cpu.h"
#include "thread-pool.h"

namespace sk::binding {
namespace {

Napi::Value Isa(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), isa_name(active_isa())); }

// setIsa("portable" | "avx2" | "avx512"): lowers the ISA so tests reach every path.
Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  if (info.Length() != 1 || !info[0].IsString()) throw Napi::TypeError::New(info.Env(), "setIsa: expects one string");
  const std::string name = info[0].As<Napi::String>();
  sk::Isa isa;
  if (name == "portable") isa = sk::Isa::Portable;
  else if (name == "avx2") isa = sk::Isa::Avx2;
  else if (name == "avx512") isa = sk::Isa::Avx512;
  else throw Napi::TypeError::New(info.Env(), "setIsa: \"" + name + "\" is not portable, avx2 or avx512");
  return Napi::Boolean::New(info.Env(), set_isa(isa));
}

Napi::Value BestIsa(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), isa_name(detect_isa())); }

Napi::Value GetThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), get_threads()); }

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  Args args(info, "setThreads", 1);
  const int64_t n = args.index(0, "n");
  if (n < 1 || n > 1024) throw Napi::RangeError::New(info.Env(), "setThreads: n must be between 1 and 1024");
  set_threads(static_cast<int>(n));
  return info.Env().Undefined();
}

// addressMod64(typedArray): where its first element falls in a 64-byte line,
// so that TypeScript can cut arrays the vector kernels load whole lines of.
Napi::Value AddressMod64(const Napi::CallbackInfo& info) {
  if (info.Length() != 1 || !info[0].IsTypedArray()) throw Napi::TypeError::New(info.Env(), "addressMod64: expects one typed array");
  const auto a = info[0].As<Napi::TypedArray>();
  const auto addr = reinterpret_cast<uintptr_t>(static_cast<const char*>(a.ArrayBuffer().Data()) + a.ByteOffset());
  return Napi::Number::New(info.Env(), static_cast<double>(addr % 64));
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // Touch the probes so the ISA libraries are linked.
  exports.Set("compiledIsas", Napi::Number::New(env, probe_avx2() + probe_avx512()));
  exports.Set("isa", Napi::Function::New(env, Isa, "isa"));
  exports.Set("bestIsa", Napi::Function::New(env, BestIsa, "bestIsa"));
  exports.Set("setIsa", Napi::Function::New(env, SetIsa, "setIsa"));
  exports.Set("getThreads", Napi::Function::New(env, GetThreads, "getThreads"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads, "setThreads"));
  exports.Set("addressMod64", Napi::Function::New(env, AddressMod64, "addressMod64"));
  for (Registrar r : registrars()) r(env, exports);
  return exports;
}

}  // namespace sk::binding

// NODE_API_MODULE pastes the name into an identifier, so it needs a plain one.
static Napi::Object InitSparsekit(Napi::Env env, Napi::Object exports) { return sk::binding::Init(env, exports); }

NODE_API_MODULE(sparsekit, InitSparsekit)
