// Broadcasting elementwise binary kernel: out[i] = f(a[ia], b[ib]) over the
// output's shape, with the inputs' strides given in output coordinates (0
// along broadcast dimensions). Mirrors src/kernels/ref/binary.ts.
#pragma once

#include <cstdint>

namespace sk {

// Op codes, as BinaryOp in src/kernels/ref/binary.ts.
enum class BinaryOp : int { Add = 0, Sub = 1, Mul = 2, Div = 3, Max = 4, Min = 5, Pow = 6 };
constexpr int kBinaryOpCount = 7;

// Most dimensions a strided kernel accepts (after merging, usually 1 to 3 remain).
constexpr int kMaxRank = 64;

// The output's dimensions after dropping size-1 ones and merging neighbours
// that both inputs walk contiguously; the innermost dimension is last.
struct BinaryPlan {
  int rank;
  int64_t n[kMaxRank];
  int64_t sa[kMaxRank];
  int64_t sb[kMaxRank];
};

// rank <= kMaxRank; shape, a_strides, b_strides non-negative; a and b hold every
// element the strides reach; out holds the product of shape.
void binary(BinaryOp op, const float* a, const float* b, float* out, int rank, const int64_t* shape,
            const int64_t* a_strides, const int64_t* b_strides);

// Output elements [begin, end) of a plan, one per instruction set.
void binary_range_portable(BinaryOp op, const float* a, const float* b, float* out, const BinaryPlan& p,
                           int64_t begin, int64_t end);
void binary_range_avx2(BinaryOp op, const float* a, const float* b, float* out, const BinaryPlan& p,
                       int64_t begin, int64_t end);
void binary_range_avx512(BinaryOp op, const float* a, const float* b, float* out, const BinaryPlan& p,
                         int64_t begin, int64_t end);

}  // namespace sk
