// The sparse-product kernels (native/kernels/spmm.h) with the signatures of
// src/kernels/ref/spmm-{nm,csr,bsr}.ts. Besides the sizes, every index the
// kernels follow is checked here (row pointers rising and in range, column,
// row and slot indices inside their arrays), so a corrupt sparse matrix is a
// RangeError naming the kernel and the array, never a wild read.
#include <string>

#include "args.h"
#include "spmm.h"

namespace sk::binding {
namespace {

struct U8 {
  uint8_t* data;
  int64_t length;
};

U8 u8(const Napi::CallbackInfo& info, const Args& args, size_t i, const char* name) {
  const Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    args.fail(std::string("argument ") + name + " must be a Uint8Array");
  }
  auto a = v.As<Napi::Uint8Array>();
  return {a.Data(), static_cast<int64_t>(a.ElementLength())};
}

[[noreturn]] void range_error(const Napi::Env& env, const char* kernel, const std::string& what) {
  throw Napi::RangeError::New(env, std::string(kernel) + ": " + what);
}

// a·b, or a RangeError when it overflows.
int64_t mul(const Napi::Env& env, const char* kernel, int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) range_error(env, kernel, "the sizes overflow 64-bit indices");
  return r;
}

// The first entry of a[0:n] outside [0, bound), or -1; vectorisable scan first.
int64_t first_outside(const int32_t* a, int64_t n, int64_t bound) {
  uint32_t any = 0;
  for (int64_t i = 0; i < n; i++) any |= static_cast<uint32_t>(static_cast<int64_t>(static_cast<uint32_t>(a[i])) >= bound);
  if (any == 0) return -1;
  for (int64_t i = 0; i < n; i++) {
    if (a[i] < 0 || a[i] >= bound) return i;
  }
  return -1;
}

void check_indices(const Napi::Env& env, const char* kernel, const I32& a, int64_t n, int64_t bound, const char* name) {
  const int64_t i = first_outside(a.data, n, bound);
  if (i >= 0) {
    range_error(env, kernel, std::string(name) + "[" + std::to_string(i) + "] = " + std::to_string(a.data[i]) +
                                 " lies outside [0, " + std::to_string(bound) + ")");
  }
}

// ptr[0:count+1] starts at 0 and never falls; returns ptr[count] (the entry count).
int64_t check_ptr(const Napi::Env& env, const char* kernel, const Args& args, const I32& ptr, int64_t count, const char* name) {
  args.fits(ptr.length, count + 1, name);
  if (ptr.data[0] != 0) range_error(env, kernel, std::string(name) + "[0] must be 0, got " + std::to_string(ptr.data[0]));
  for (int64_t i = 0; i < count; i++) {
    if (ptr.data[i + 1] < ptr.data[i]) {
      range_error(env, kernel, std::string(name) + " falls from " + std::to_string(ptr.data[i]) + " to " +
                                   std::to_string(ptr.data[i + 1]) + " at " + std::to_string(i) + "; it must not decrease");
    }
  }
  return ptr.data[count];
}

bool overlaps(const float* x, int64_t nx, const float* y, int64_t ny) { return nx > 0 && ny > 0 && x < y + ny && y < x + nx; }

// The output shares no memory with any input.
void check_disjoint(const Napi::Env& env, const char* kernel, const F32& out, int64_t n_out, const char* out_name,
                    std::initializer_list<std::pair<const F32*, const char*>> inputs) {
  for (const auto& [in, name] : inputs) {
    if (overlaps(out.data, n_out, in->data, in->length)) {
      range_error(env, kernel, std::string(out_name) + " shares memory with " + name + "; write the result to a separate array");
    }
  }
}

struct Dims {
  int64_t batch, rows, cols;
};

Dims dims(const Args& args) { return {args.index(0, "batch"), args.index(1, "rows"), args.index(2, "cols")}; }

// N:M geometry: returns slots per row and bytes of a row's position stream.
std::pair<int64_t, int64_t> nm_geometry(const Napi::Env& env, const char* kernel, const Dims& d, int64_t n, int64_t m) {
  if (m < 2 || m > 64 || (m & (m - 1)) != 0) range_error(env, kernel, "m = " + std::to_string(m) + " must be a power of two from 2 to 64");
  if (n < 1 || n >= m) range_error(env, kernel, "n = " + std::to_string(n) + " must be from 1 to m - 1");
  if (d.cols % m != 0) range_error(env, kernel, "m = " + std::to_string(m) + " does not divide cols = " + std::to_string(d.cols));
  const int64_t spr = d.cols / m * n;
  return {spr, (spr * __builtin_ctzll(static_cast<unsigned long long>(m)) + 7) / 8};
}

// A CSR matrix's rowPtr and colIdx (and values, when given): sizes, and every
// column inside the matrix. Returns nnz.
int64_t check_csr(const Napi::Env& env, const char* k, const Args& args, const Dims& d, const I32& ptr, const I32& col,
                  const F32* values) {
  const int64_t nnz = check_ptr(env, k, args, ptr, d.rows, "rowPtr ([rows + 1])");
  args.fits(col.length, nnz, "colIdx ([nnz])");
  if (values != nullptr) args.fits(values->length, nnz, "values ([nnz])");
  check_indices(env, k, col, nnz, d.cols, "colIdx");
  return nnz;
}

// x [batch, cols] and y [batch, rows] of a forward, y sharing memory with no input.
void check_forward(const Napi::Env& env, const char* k, const Args& args, const Dims& d, const F32& x, const F32& y,
                   std::initializer_list<std::pair<const F32*, const char*>> inputs) {
  args.fits(x.length, mul(env, k, d.batch, d.cols), "x ([batch, cols])");
  const int64_t ny = mul(env, k, d.batch, d.rows);
  args.fits(y.length, ny, "y ([batch, rows])");
  check_disjoint(env, k, y, ny, "y", inputs);
}

// A forward's x, bias (or null), y and accumulate, arguments i to i + 3, checked
// against the sizes and against the weight array (y must share memory with nothing).
struct Forward {
  F32 x, bias, y;
  bool accumulate;
};

Forward forward_args(const Napi::CallbackInfo& info, const Args& args, const char* k, const Dims& d, size_t i,
                     const F32& weight, const char* weight_name) {
  const Napi::Env env = info.Env();
  const Forward f{args.f32(i, "x"), info[i + 1].IsNull() ? F32{nullptr, 0} : args.f32(i + 1, "bias (or null)"),
                  args.f32(i + 2, "y"), args.boolean(i + 3, "accumulate")};
  if (f.bias.data != nullptr) args.fits(f.bias.length, d.rows, "bias ([rows])");
  check_forward(env, k, args, d, f.x, f.y, {{&weight, weight_name}, {&f.x, "x"}, {&f.bias, "bias"}});
  return f;
}

Napi::Value NmSpmm(const Napi::CallbackInfo& info) {
  const char* k = "nmSpmm";
  const Napi::Env env = info.Env();
  Args args(info, k, 11);
  const Dims d = dims(args);
  const int64_t n = args.index(3, "n"), m = args.index(4, "m");
  const F32 values = args.f32(5, "values");
  const U8 positions = u8(info, args, 6, "positions");
  const auto [spr, row_bytes] = nm_geometry(env, k, d, n, m);
  args.fits(values.length, mul(env, k, d.rows, spr), "values ([rows, cols/m, n])");
  args.fits(positions.length, mul(env, k, d.rows, row_bytes), "positions (rows · rowBytes)");
  const Forward f = forward_args(info, args, k, d, 7, values, "values");
  sk::nm_spmm(d.batch, d.rows, d.cols, static_cast<int>(n), static_cast<int>(m), values.data, positions.data, f.x.data,
              f.bias.data, f.y.data, f.accumulate);
  return env.Undefined();
}

Napi::Value NmSpmmBlocks(const Napi::CallbackInfo& info) {
  const char* k = "nmSpmmBlocks";
  const Napi::Env env = info.Env();
  Args args(info, k, 10);
  const Dims d = dims(args);
  const int64_t n = args.index(3, "n"), m = args.index(4, "m");
  const F32 layout = args.f32(5, "layout");
  const int64_t spr = nm_geometry(env, k, d, n, m).first;
  if (m > 32) range_error(env, k, "m = " + std::to_string(m) + ": the row-block layout takes groups of at most 32");
  // Positions are read through a mask of the window, so a corrupt byte gives a wrong sum, never a wild read.
  const int64_t blocks = (d.rows + 15) / 16, quads = (spr + 3) / 4;
  args.fits(layout.length, mul(env, k, mul(env, k, blocks, quads), 80), "layout ([ceil(rows/16), ceil(spr/4), 80])");
  const Forward f = forward_args(info, args, k, d, 6, layout, "layout");
  sk::nm_spmm_blocks(d.batch, d.rows, d.cols, static_cast<int>(n), static_cast<int>(m), layout.data, f.x.data, f.bias.data,
                     f.y.data, f.accumulate);
  return env.Undefined();
}

Napi::Value NmSddmm(const Napi::CallbackInfo& info) {
  const char* k = "nmSddmm";
  const Napi::Env env = info.Env();
  Args args(info, k, 10);
  const Dims d = dims(args);
  const int64_t n = args.index(3, "n"), m = args.index(4, "m");
  const U8 positions = u8(info, args, 5, "positions");
  const F32 x = args.f32(6, "x"), dy = args.f32(7, "dy"), dv = args.f32(8, "dValues");
  const bool accumulate = args.boolean(9, "accumulate");
  const auto [spr, row_bytes] = nm_geometry(env, k, d, n, m);
  args.fits(positions.length, mul(env, k, d.rows, row_bytes), "positions (rows · rowBytes)");
  args.fits(x.length, mul(env, k, d.batch, d.cols), "x ([batch, cols])");
  args.fits(dy.length, mul(env, k, d.batch, d.rows), "dy ([batch, rows])");
  const int64_t nv = mul(env, k, d.rows, spr);
  args.fits(dv.length, nv, "dValues ([rows, cols/m, n])");
  check_disjoint(env, k, dv, nv, "dValues", {{&x, "x"}, {&dy, "dy"}});
  sk::nm_sddmm(d.batch, d.rows, d.cols, static_cast<int>(n), static_cast<int>(m), positions.data, x.data, dy.data, dv.data, accumulate);
  return env.Undefined();
}

Napi::Value CsrSpmm(const Napi::CallbackInfo& info) {
  const char* k = "csrSpmm";
  const Napi::Env env = info.Env();
  Args args(info, k, 9);
  const Dims d = dims(args);
  const I32 ptr = args.i32(3, "rowPtr"), col = args.i32(4, "colIdx");
  const F32 values = args.f32(5, "values"), x = args.f32(6, "x"), y = args.f32(7, "y");
  const bool accumulate = args.boolean(8, "accumulate");
  check_csr(env, k, args, d, ptr, col, &values);
  check_forward(env, k, args, d, x, y, {{&values, "values"}, {&x, "x"}});
  sk::csr_spmm(d.batch, d.rows, d.cols, ptr.data, col.data, values.data, x.data, y.data, accumulate);
  return env.Undefined();
}

Napi::Value CsrSpmmBlocked(const Napi::CallbackInfo& info) {
  const char* k = "csrSpmmBlocked";
  const Napi::Env env = info.Env();
  Args args(info, k, 14);
  const Dims d = dims(args);
  const I32 ptr = args.i32(3, "rowPtr"), col = args.i32(4, "colIdx");
  const F32 values = args.f32(5, "values");
  const int64_t block_cols = args.index(6, "blockCols");
  const I32 order = args.i32(7, "order"), count = args.i32(8, "count"), bcol = args.i32(9, "blockColIdx");
  const F32 bval = args.f32(10, "blockValues"), x = args.f32(11, "x"), y = args.f32(12, "y");
  const bool accumulate = args.boolean(13, "accumulate");
  check_csr(env, k, args, d, ptr, col, &values);
  if (block_cols < 1) range_error(env, k, "blockCols = " + std::to_string(block_cols) + " must be at least 1");
  const int64_t entries = mul(env, k, (d.cols + block_cols - 1) / block_cols, d.rows);
  args.fits(order.length, entries, "order ([blocks, rows])");
  args.fits(count.length, entries, "count ([blocks, rows])");
  // The runs must fit the layout's arrays and name rows and columns inside
  // the matrix; that they hold W's entries is the layout's promise (a wrong
  // one gives wrong sums, never a wild read).
  check_indices(env, k, order, entries, d.rows, "order");
  int64_t total = 0;
  for (int64_t i = 0; i < entries; i++) {
    if (count.data[i] < 0) range_error(env, k, "count[" + std::to_string(i) + "] = " + std::to_string(count.data[i]) + " is negative");
    total += count.data[i];
  }
  args.fits(bcol.length, total, "blockColIdx (the counts' sum)");
  args.fits(bval.length, total, "blockValues (the counts' sum)");
  check_indices(env, k, bcol, total, d.cols, "blockColIdx");
  check_forward(env, k, args, d, x, y, {{&values, "values"}, {&bval, "blockValues"}, {&x, "x"}});
  sk::csr_spmm_blocked(d.batch, d.rows, d.cols, ptr.data, col.data, values.data, block_cols, order.data, count.data,
                       bcol.data, bval.data, x.data, y.data, accumulate);
  return env.Undefined();
}

Napi::Value CsrSddmm(const Napi::CallbackInfo& info) {
  const char* k = "csrSddmm";
  const Napi::Env env = info.Env();
  Args args(info, k, 9);
  const Dims d = dims(args);
  const I32 ptr = args.i32(3, "rowPtr"), col = args.i32(4, "colIdx");
  const F32 x = args.f32(5, "x"), dy = args.f32(6, "dy"), dv = args.f32(7, "dValues");
  const bool accumulate = args.boolean(8, "accumulate");
  const int64_t nnz = check_csr(env, k, args, d, ptr, col, nullptr);
  args.fits(x.length, mul(env, k, d.batch, d.cols), "x ([batch, cols])");
  args.fits(dy.length, mul(env, k, d.batch, d.rows), "dy ([batch, rows])");
  args.fits(dv.length, nnz, "dValues ([nnz])");
  check_disjoint(env, k, dv, nnz, "dValues", {{&x, "x"}, {&dy, "dy"}});
  sk::csr_sddmm(d.batch, d.rows, d.cols, ptr.data, col.data, x.data, dy.data, dv.data, accumulate);
  return env.Undefined();
}

Napi::Value SpmmTransposed(const Napi::CallbackInfo& info) {
  const char* k = "spmmTransposed";
  const Napi::Env env = info.Env();
  Args args(info, k, 10);
  const Dims d = dims(args);
  const I32 tptr = args.i32(3, "tPtr"), trow = args.i32(4, "tRow"), tperm = args.i32(5, "tPerm");
  const F32 values = args.f32(6, "values"), dy = args.f32(7, "dy"), dx = args.f32(8, "dx");
  const bool accumulate = args.boolean(9, "accumulate");
  const int64_t nnz = check_ptr(env, k, args, tptr, d.cols, "tPtr ([cols + 1])");
  args.fits(trow.length, nnz, "tRow ([nnz])");
  args.fits(tperm.length, nnz, "tPerm ([nnz])");
  check_indices(env, k, trow, nnz, d.rows, "tRow");
  check_indices(env, k, tperm, nnz, values.length, "tPerm");
  args.fits(dy.length, mul(env, k, d.batch, d.rows), "dy ([batch, rows])");
  const int64_t nx = mul(env, k, d.batch, d.cols);
  args.fits(dx.length, nx, "dx ([batch, cols])");
  check_disjoint(env, k, dx, nx, "dx", {{&values, "values"}, {&dy, "dy"}});
  sk::spmm_transposed(d.batch, d.rows, d.cols, tptr.data, trow.data, tperm.data, values.data, dy.data, dx.data, accumulate);
  return env.Undefined();
}

// Block sizes: 1..32 each, tiling the matrix.
std::pair<int64_t, int64_t> blocks(const Napi::Env& env, const char* kernel, const Args& args, const Dims& d) {
  const int64_t bh = args.index(3, "bh"), bw = args.index(4, "bw");
  if (bh < 1 || bh > 32 || bw < 1 || bw > 32) range_error(env, kernel, "block sides bh and bw must be from 1 to 32");
  if (d.rows % bh != 0 || d.cols % bw != 0) {
    range_error(env, kernel, "blocks of " + std::to_string(bh) + "×" + std::to_string(bw) + " do not tile " +
                                 std::to_string(d.rows) + "×" + std::to_string(d.cols));
  }
  return {bh, bw};
}

Napi::Value BsrSpmm(const Napi::CallbackInfo& info) {
  const char* k = "bsrSpmm";
  const Napi::Env env = info.Env();
  Args args(info, k, 11);
  const Dims d = dims(args);
  const auto [bh, bw] = blocks(env, k, args, d);
  const I32 ptr = args.i32(5, "rowPtr"), col = args.i32(6, "colIdx");
  const F32 values = args.f32(7, "values"), x = args.f32(8, "x"), y = args.f32(9, "y");
  const bool accumulate = args.boolean(10, "accumulate");
  const int64_t nb = check_ptr(env, k, args, ptr, d.rows / bh, "rowPtr ([rows/bh + 1])");
  args.fits(col.length, nb, "colIdx ([blocks])");
  check_indices(env, k, col, nb, d.cols / bw, "colIdx");
  args.fits(values.length, mul(env, k, nb, bh * bw), "values ([blocks, bh, bw])");
  args.fits(x.length, mul(env, k, d.batch, d.cols), "x ([batch, cols])");
  const int64_t ny = mul(env, k, d.batch, d.rows);
  args.fits(y.length, ny, "y ([batch, rows])");
  check_disjoint(env, k, y, ny, "y", {{&values, "values"}, {&x, "x"}});
  sk::bsr_spmm(d.batch, d.rows, d.cols, static_cast<int>(bh), static_cast<int>(bw), ptr.data, col.data, values.data, x.data,
               y.data, accumulate);
  return env.Undefined();
}

Napi::Value BsrSddmm(const Napi::CallbackInfo& info) {
  const char* k = "bsrSddmm";
  const Napi::Env env = info.Env();
  Args args(info, k, 11);
  const Dims d = dims(args);
  const auto [bh, bw] = blocks(env, k, args, d);
  const I32 ptr = args.i32(5, "rowPtr"), col = args.i32(6, "colIdx");
  const F32 x = args.f32(7, "x"), dy = args.f32(8, "dy"), dv = args.f32(9, "dValues");
  const bool accumulate = args.boolean(10, "accumulate");
  const int64_t nb = check_ptr(env, k, args, ptr, d.rows / bh, "rowPtr ([rows/bh + 1])");
  args.fits(col.length, nb, "colIdx ([blocks])");
  check_indices(env, k, col, nb, d.cols / bw, "colIdx");
  args.fits(x.length, mul(env, k, d.batch, d.cols), "x ([batch, cols])");
  args.fits(dy.length, mul(env, k, d.batch, d.rows), "dy ([batch, rows])");
  const int64_t nv = mul(env, k, nb, bh * bw);
  args.fits(dv.length, nv, "dValues ([blocks, bh, bw])");
  check_disjoint(env, k, dv, nv, "dValues", {{&x, "x"}, {&dy, "dy"}});
  sk::bsr_sddmm(d.batch, d.rows, d.cols, static_cast<int>(bh), static_cast<int>(bw), ptr.data, col.data, x.data, dy.data,
                dv.data, accumulate);
  return env.Undefined();
}

Napi::Value BsrSpmmTransposed(const Napi::CallbackInfo& info) {
  const char* k = "bsrSpmmTransposed";
  const Napi::Env env = info.Env();
  Args args(info, k, 12);
  const Dims d = dims(args);
  const auto [bh, bw] = blocks(env, k, args, d);
  const I32 tptr = args.i32(5, "tPtr"), trow = args.i32(6, "tRow"), tperm = args.i32(7, "tPerm");
  const F32 values = args.f32(8, "values"), dy = args.f32(9, "dy"), dx = args.f32(10, "dx");
  const bool accumulate = args.boolean(11, "accumulate");
  const int64_t nb = check_ptr(env, k, args, tptr, d.cols / bw, "tPtr ([cols/bw + 1])");
  args.fits(trow.length, nb, "tRow ([blocks])");
  args.fits(tperm.length, nb, "tPerm ([blocks])");
  check_indices(env, k, trow, nb, d.rows / bh, "tRow");
  check_indices(env, k, tperm, nb, values.length / (bh * bw), "tPerm");
  args.fits(dy.length, mul(env, k, d.batch, d.rows), "dy ([batch, rows])");
  const int64_t nx = mul(env, k, d.batch, d.cols);
  args.fits(dx.length, nx, "dx ([batch, cols])");
  check_disjoint(env, k, dx, nx, "dx", {{&values, "values"}, {&dy, "dy"}});
  sk::bsr_spmm_transposed(d.batch, d.rows, d.cols, static_cast<int>(bh), static_cast<int>(bw), tptr.data, trow.data,
                          tperm.data, values.data, dy.data, dx.data, accumulate);
  return env.Undefined();
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("nmSpmm", Napi::Function::New(env, NmSpmm, "nmSpmm"));
  exports.Set("nmSpmmBlocks", Napi::Function::New(env, NmSpmmBlocks, "nmSpmmBlocks"));
  exports.Set("nmSddmm", Napi::Function::New(env, NmSddmm, "nmSddmm"));
  exports.Set("csrSpmm", Napi::Function::New(env, CsrSpmm, "csrSpmm"));
  exports.Set("csrSpmmBlocked", Napi::Function::New(env, CsrSpmmBlocked, "csrSpmmBlocked"));
  exports.Set("csrSddmm", Napi::Function::New(env, CsrSddmm, "csrSddmm"));
  exports.Set("spmmTransposed", Napi::Function::New(env, SpmmTransposed, "spmmTransposed"));
  exports.Set("bsrSpmm", Napi::Function::New(env, BsrSpmm, "bsrSpmm"));
  exports.Set("bsrSddmm", Napi::Function::New(env, BsrSddmm, "bsrSddmm"));
  exports.Set("bsrSpmmTransposed", Napi::Function::New(env, BsrSpmmTransposed, "bsrSpmmTransposed"));
}

static Registration reg(&Register);

}  // namespace
}  // namespace sk::binding
