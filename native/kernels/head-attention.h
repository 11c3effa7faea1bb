// Multi-head attention over token-major layouts with the heads packed in the
// last axis; mirrors src/kernels/ref/head-attention.ts. Each (batch, head)
// pair is one task whose scores stay in L1-sized scratch, so the whole
// softmax(q·kᵀ)·v runs without touching memory beyond q, k, v and the
// outputs — one pass instead of five kernels and four copies.
// Shapes: q [B, T, H·D], k [B, S, H·D], v [B, S, H·Dv], out [B, T, H·Dv],
// probs [B, H, S, T] (key-major, kept for the backward).
#pragma once

#include <cstdint>

namespace sk {

struct AttentionDims {
  int64_t batch, heads, t, s, d, dv;
  bool causal;
  float scale;
};

void head_attention(const AttentionDims& dm, const float* q, const float* k, const float* v, float* out, float* probs);
void head_attention_backward(const AttentionDims& dm, const float* q, const float* k, const float* v,
                             const float* probs, const float* dout, float* dq, float* dk, float* dv);

// Pairs [p0, p1) of (batch, head), one set per instruction set; scratch
// holds head_attention_scratch(dm) floats.
struct AttentionFns {
  void (*forward)(int64_t p0, int64_t p1, const AttentionDims& dm, const float* q, const float* k, const float* v,
                  float* out, float* probs, float* scratch);
  void (*backward)(int64_t p0, int64_t p1, const AttentionDims& dm, const float* q, const float* k, const float* v,
                   const float* probs, const float* dout, float* dq, float* dk, float* dv, float* scratch);
};
int64_t head_attention_scratch(const AttentionDims& dm);
AttentionFns attention_fns_portable();
AttentionFns attention_fns_avx2();
AttentionFns attention_fns_avx512();

}  // namespace sk
