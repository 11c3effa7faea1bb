// GEMM driver (see gemm.h): chooses the instruction set, the skinny or the
// packed path, and how threads share the work; owns the packing buffers.
// Also the portable micro-kernel, plain C++ that compilers vectorise.
//
// Loop order of the packed path (BLIS's five loops around the micro-kernel):
//   jc over N by NC:  pc over K by KC: pack op(B) block (KC×NC) during the first ic
//     ic over M by MC: pack op(A) block (MC×KC); macro-kernel: jr by NR, ir by MR
// Threads take disjoint rectangles of C (split along M or N in whole
// micro-tiles) or, for many small matrices, whole batch items.
#include "gemm.h"

#include "cpu.h"
#include "gemm-impl.h"
#include "scratch-arena.h"
#include "thread-pool.h"

namespace sk {
namespace {

struct PortableKernel : GenericParts {
  static constexpr int MR = 4;
  static constexpr int NR = 8;

  static void run(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float alpha, float beta) {
    float acc[MR][NR] = {};
    for (int64_t p = 0; p < kc; p++) {
      for (int r = 0; r < MR; r++) {
        const float av = a[r];
        for (int j = 0; j < NR; j++) acc[r][j] += av * b[j];
      }
      a += MR;
      b += NR;
    }
    for (int r = 0; r < MR; r++) {
      for (int j = 0; j < NR; j++) c[r * ldc + j] = blend(acc[r][j], alpha, beta, c[r * ldc + j]);
    }
  }
};

// Below this many multiply-adds in all, one thread is faster than waking another.
constexpr double kMinParallelWork = 1 << 21;
// Each extra thread should get at least this many multiply-adds.
constexpr double kMinTaskWork = 1 << 19;
// Batch items smaller than this are shared out whole, never split.
constexpr double kSmallItemWork = 1 << 22;
// B panels packed at a time on their first use (see packed_block).
constexpr int64_t kPackChunk = 8;

const GemmIsa& pick_isa() {
  switch (active_isa()) {
    case Isa::Avx512: return gemm_isa_avx512();
    case Isa::Avx2: return gemm_isa_avx2();
    default: return gemm_isa_portable();
  }
}

int64_t round_up(int64_t x, int64_t to) { return (x + to - 1) / to * to; }

struct Problem {
  const GemmIsa* isa;
  bool ta, tb;
  int64_t m, n, k;
  float alpha, beta;
  int64_t lda, ldb, ldc;
  int64_t kc;  // K block, balanced so the last one is not a sliver
};

// One thread's packing buffers, carved from the caller's arena.
struct Scratch {
  float* ap;
  float* bp;
  float* rows;
};

// Per-thread sizes (floats, multiples of 16 so each part stays 64-byte aligned).
struct ScratchSize {
  int64_t ap, bp, rows;
  int64_t total() const { return ap + bp + rows; }
};

Scratch carve(float* base, const ScratchSize& z) { return Scratch{base, base + z.ap, base + z.ap + z.bp}; }

ScratchSize scratch_size(const Problem& pb) {
  const GemmIsa& isa = *pb.isa;
  if (pb.m <= kGemmSkinnyRows) return {0, 0, pb.ta ? round_up(pb.m * pb.k, 16) : 0};
  const int64_t mc = round_up(pb.m < isa.mc ? pb.m : isa.mc, isa.mr);
  const int64_t nc = round_up(pb.n < isa.nc ? pb.n : isa.nc, isa.nr);
  return {round_up(mc * pb.kc, 16), round_up(nc * pb.kc, 16), 0};
}

// The calling thread's packing buffers.
thread_local ScratchArena t_arena;

// The block size to cut `len` into pieces of at most `most` with: as even as
// whole micro-tiles (`unit`) allow, so that no last block is a sliver.
int64_t even_block(int64_t len, int64_t most, int64_t unit) {
  const int64_t pieces = (len + most - 1) / most;
  return round_up((len + pieces - 1) / pieces, unit);
}

// C[m0:m1, n0:n1] of one matrix through the packed path.
void packed_block(const Problem& pb, const float* a, const float* b, float* c, int64_t m0, int64_t m1, int64_t n0,
                  int64_t n1, const Scratch& s) {
  const GemmIsa& isa = *pb.isa;
  const int64_t mc_step = even_block(m1 - m0, isa.mc, isa.mr);
  const int64_t nc_step = even_block(n1 - n0, isa.nc, isa.nr);
  for (int64_t jc = n0; jc < n1; jc += nc_step) {
    const int64_t nc = min64(nc_step, n1 - jc);
    for (int64_t pc = 0; pc < pb.k; pc += pb.kc) {
      const int64_t kc = min64(pb.kc, pb.k - pc);
      const float beta = pc == 0 ? pb.beta : 1.0f;
      for (int64_t ic = m0; ic < m1; ic += mc_step) {
        const int64_t mc = min64(mc_step, m1 - ic);
        isa.pack_a(pb.ta, pb.ta ? a + pc * pb.lda + ic : a + ic * pb.lda + pc, pb.lda, mc, kc, s.ap);
        float* cc = c + ic * pb.ldc + jc;
        if (ic != m0) {
          isa.macro(mc, nc, kc, s.ap, s.bp, cc, pb.ldc, pb.alpha, beta);
          continue;
        }
        // The first M block packs op(B) a few panels at a time, each just
        // before its micro-kernels, which then find it still in cache.
        const int64_t chunk = kPackChunk * isa.nr;
        for (int64_t j = 0; j < nc; j += chunk) {
          const int64_t w = min64(chunk, nc - j);
          const int64_t col = jc + j;
          isa.pack_b(pb.tb, pb.tb ? b + col * pb.ldb + pc : b + pc * pb.ldb + col, pb.ldb, kc, w, s.bp + j * kc);
          isa.macro(mc, w, kc, s.ap, s.bp + j * kc, cc + j, pb.ldc, pb.alpha, beta);
        }
      }
    }
  }
}

// Columns [n0, n1) of one matrix with few rows, without packing.
void skinny_block(const Problem& pb, const float* a, const float* b, float* c, int64_t n0, int64_t n1, const Scratch& s) {
  int64_t lda = pb.lda;
  if (pb.ta) {
    for (int64_t i = 0; i < pb.m; i++) {
      for (int64_t p = 0; p < pb.k; p++) s.rows[i * pb.k + p] = a[p * pb.lda + i];
    }
    a = s.rows;
    lda = pb.k;
  }
  pb.isa->skinny(pb.tb, pb.m, n1 - n0, pb.k, pb.alpha, a, lda, pb.tb ? b + n0 * pb.ldb : b + n0, pb.ldb, pb.beta, c + n0,
                 pb.ldc);
}

void whole_matrix(const Problem& pb, const float* a, const float* b, float* c, const Scratch& s) {
  if (pb.m <= kGemmSkinnyRows) skinny_block(pb, a, b, c, 0, pb.n, s);
  else packed_block(pb, a, b, c, 0, pb.m, 0, pb.n, s);
}

// Splits `tasks` threads into a tm × tn grid over the micro-tiles of C,
// keeping each thread's share of packing (its rows plus its columns) small.
// Returns false when C has too few tiles for that many threads.
bool thread_grid(const Problem& pb, int tasks, int* tm, int* tn) {
  const int64_t mp = (pb.m + pb.isa->mr - 1) / pb.isa->mr;
  const int64_t np = (pb.n + pb.isa->nr - 1) / pb.isa->nr;
  int64_t best = -1;
  for (int i = 1; i <= tasks; i++) {
    if (tasks % i != 0) continue;
    const int j = tasks / i;
    if (i > mp || j > np) continue;
    const int64_t cost = (mp + i - 1) / i * pb.isa->mr + (np + j - 1) / j * pb.isa->nr;
    if (best < 0 || cost < best) {
      best = cost;
      *tm = i;
      *tn = j;
    }
  }
  return best >= 0;
}

// One matrix, its C shared among up to nt threads.
void split_matrix(const Problem& pb, const float* a, const float* b, float* c, int nt, float* arena, int64_t per) {
  const double work = static_cast<double>(pb.m) * static_cast<double>(pb.n) * static_cast<double>(pb.k);
  int tasks = nt;
  while (tasks > 1 && work / tasks < kMinTaskWork) tasks--;
  const ScratchSize z = scratch_size(pb);
  auto scratch = [&](int t) { return carve(arena + t * per, z); };
  if (pb.m <= kGemmSkinnyRows) {
    const int64_t units = (pb.n + 15) / 16;
    parallel_run(tasks, [&](int t, int count) {
      const int64_t n0 = min64(pb.n, units * t / count * 16);
      const int64_t n1 = min64(pb.n, units * (t + 1) / count * 16);
      if (n0 < n1) skinny_block(pb, a, b, c, n0, n1, scratch(t));
    });
    return;
  }
  int tm = 1, tn = 1;
  while (tasks > 1 && !thread_grid(pb, tasks, &tm, &tn)) tasks--;
  if (tasks == 1) {
    whole_matrix(pb, a, b, c, scratch(0));
    return;
  }
  const int64_t mr = pb.isa->mr;
  const int64_t nr = pb.isa->nr;
  const int64_t mp = (pb.m + mr - 1) / mr;
  const int64_t np = (pb.n + nr - 1) / nr;
  parallel_run(tasks, [&](int t, int) {
    const int64_t ti = t / tn;
    const int64_t tj = t % tn;
    const int64_t m0 = min64(pb.m, mp * ti / tm * mr);
    const int64_t m1 = min64(pb.m, mp * (ti + 1) / tm * mr);
    const int64_t n0 = min64(pb.n, np * tj / tn * nr);
    const int64_t n1 = min64(pb.n, np * (tj + 1) / tn * nr);
    if (m0 < m1 && n0 < n1) packed_block(pb, a, b, c, m0, m1, n0, n1, scratch(t));
  });
}

// K = 0: C = alpha·0 + beta·C, as the reference computes it.
void scale_only(int64_t batch, int64_t m, int64_t n, float alpha, float beta, float* c, int64_t stride_c, int64_t ldc) {
  const float zero = alpha * 0.0f;
  for (int64_t bi = 0; bi < batch; bi++) {
    for (int64_t i = 0; i < m; i++) {
      float* row = c + bi * stride_c + i * ldc;
      for (int64_t j = 0; j < n; j++) row[j] = beta == 0.0f ? zero : zero + beta * row[j];
    }
  }
}

}  // namespace

const GemmIsa& gemm_isa_portable() {
  static const GemmIsa isa = make_gemm_isa<PortableKernel>(256, 256, 4096);
  return isa;
}

void gemm(int64_t batch, bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          int64_t stride_a, int64_t lda, const float* b, int64_t stride_b, int64_t ldb, float beta, float* c,
          int64_t stride_c, int64_t ldc) {
  if (batch <= 0 || m <= 0 || n <= 0) return;
  if (k == 0) {
    scale_only(batch, m, n, alpha, beta, c, stride_c, ldc);
    return;
  }
  Problem pb{&pick_isa(), trans_a, trans_b, m, n, k, alpha, beta, lda, ldb, ldc, 0};
  pb.kc = even_block(k, pb.isa->kc, 1);

  const double item = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  int nt = item * static_cast<double>(batch) < kMinParallelWork ? 1 : get_threads();
  // Items may run concurrently only when their C matrices are disjoint.
  const bool disjoint = batch == 1 || stride_c >= (m - 1) * ldc + n;
  const bool by_item = nt > 1 && batch > 1 && disjoint && (batch % nt == 0 || batch >= 4 * nt || item < kSmallItemWork);
  if (by_item && batch < nt) nt = static_cast<int>(batch);

  const ScratchSize z = scratch_size(pb);
  const int64_t per = z.total();
  float* arena = t_arena.reserve(per * nt);
  if (by_item) {
    parallel_run(nt, [&](int t, int count) {
      const Scratch s = carve(arena + t * per, z);
      for (int64_t bi = batch * t / count; bi < batch * (t + 1) / count; bi++) {
        whole_matrix(pb, a + bi * stride_a, b + bi * stride_b, c + bi * stride_c, s);
      }
    });
    return;
  }
  for (int64_t bi = 0; bi < batch; bi++) {
    split_matrix(pb, a + bi * stride_a, b + bi * stride_b, c + bi * stride_c, nt, arena, per);
  }
}

void gemm_serial(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                 const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m <= 0 || n <= 0) return;
  if (k == 0) {
    scale_only(1, m, n, alpha, beta, c, 0, ldc);
    return;
  }
  Problem pb{&pick_isa(), trans_a, trans_b, m, n, k, alpha, beta, lda, ldb, ldc, 0};
  pb.kc = even_block(k, pb.isa->kc, 1);
  const ScratchSize z = scratch_size(pb);
  whole_matrix(pb, a, b, c, carve(t_arena.reserve(z.total()), z));
}

int64_t gemm_tile_rows() { return pick_isa().mr; }

}  // namespace sk
