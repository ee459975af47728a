/*
 * kernels.cu: the CUDA kernels behind dlblocks.cuda.CudaBackend, one per primitive of
 * dlblocks.tensor.Backend. build-ptx.sh compiles this file ahead of time to PTX; the Java side loads
 * that PTX with the CUDA driver API and launches these kernels by their extern "C" names.
 *
 * Conventions (docs/cuda.md explains them for students):
 *  - Storage is flat, contiguous and row-major. float32 is stored as float, float64 as double, and
 *    int64, int32 and bool all as long long (8 bytes), as the CPU stores them all in a long[].
 *  - Elementwise kernels read their inputs as double, evaluate the formula in double and round once to
 *    the output dtype, exactly as CpuBackend does. So +, -, *, /, sqrt, comparisons, copies and
 *    conversions give the CPU's bits; exp, log, tanh, sigmoid and pow come from CUDA's libm and may
 *    differ from Java's StrictMath in the last bits of the double, hence by one float32 ulp.
 *  - Sums run one thread per output over j in ascending order, rounding after every addition as the
 *    CPU does, so they are the CPU's sums bit for bit. No kernel uses atomics: every result is
 *    deterministic.
 *  - Compiled with --fmad=false, so the compiler never fuses a * b + c; the only fused multiply-adds
 *    are the explicit fma()/fmaf() of ADD/SUB (the CPU's Math.fma) and the fmaf() of the SGEMM.
 *  - Integer-to-integer copies cast as C does, without a detour through double.
 *  - Element counts fit in int (the Java side uses int); loops are grid-stride with 64-bit indices.
 */

/* The Java enums, in their declaration order (PtxTest checks these lists against the Java enums). */
enum DType { FLOAT32, FLOAT64, INT64, INT32, BOOL };
enum UnaryOp { NEG, ABS, EXP, LOG, SQRT, TANH, SIGMOID, RELU, STEP, ADD_SCALAR, MUL_SCALAR, POW_SCALAR, SCALAR_DIV, DIV_SCALAR, FILL };
enum BinaryOp { ADD, SUB, MUL, DIV, MAXIMUM, EQ, GT, THRESHOLD_BACKWARD };
enum ReduceOp { SUM, MAX };

#define MAX_RANK 8

/* Shape and strides of a strided read, passed by value (100 bytes of kernel parameters). Element i
 * of the output (row-major in shape) reads a[Σ index[d]·a[d]] (and b[Σ index[d]·b[d]] for zip). */
struct Layout {
    int rank;
    int shape[MAX_RANK];
    int a[MAX_RANK];
    int b[MAX_RANK];
};

#define FOR_EACH(i, n) \
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < (long long) (n); \
         i += (long long) blockDim.x * gridDim.x)

/* ------------------------------------------------------------------ loading and storing elements */

/* Element i as a double (int64 converts with rounding to nearest, as Java's (double) long does). */
__device__ __forceinline__ double load(const void* p, int dtype, long long i) {
    switch (dtype) {
    case FLOAT32: return ((const float*) p)[i];
    case FLOAT64: return ((const double*) p)[i];
    default: return (double) ((const long long*) p)[i];
    }
}

/* Java's (long) v: truncation toward zero, NaN gives 0, out-of-range values saturate. */
__device__ __forceinline__ long long javaLong(double v) {
    if (v != v) return 0;
    if (v >= 9223372036854775807.0) return 9223372036854775807LL;
    if (v <= -9223372036854775808.0) return (-9223372036854775807LL - 1);
    return (long long) v;
}

/* Java's (int) v. */
__device__ __forceinline__ int javaInt(double v) {
    if (v != v) return 0;
    if (v >= 2147483647.0) return 2147483647;
    if (v <= -2147483648.0) return (-2147483647 - 1);
    return (int) v;
}

/* DType.round: v rounded once to the dtype, still as a double. */
__device__ __forceinline__ double roundTo(int dtype, double v) {
    switch (dtype) {
    case FLOAT32: return (double) (float) v;
    case FLOAT64: return v;
    case INT64: return (double) javaLong(v);
    case INT32: return (double) javaInt(v);
    default: return v != 0 ? 1.0 : 0.0;
    }
}

/* CpuStorage.set: stores v rounded once to the dtype. */
__device__ __forceinline__ void store(void* p, int dtype, long long i, double v) {
    switch (dtype) {
    case FLOAT32: ((float*) p)[i] = (float) v; break;
    case FLOAT64: ((double*) p)[i] = v; break;
    case INT64: ((long long*) p)[i] = javaLong(v); break;
    case INT32: ((long long*) p)[i] = javaInt(v); break;
    default: ((long long*) p)[i] = v != 0 ? 1 : 0; break;
    }
}

/* Storage offsets of output element i for the operands a and b of a layout. */
__device__ __forceinline__ void offsets(const Layout& L, long long i, long long& oa, long long& ob) {
    oa = 0;
    ob = 0;
#pragma unroll
    for (int d = MAX_RANK - 1; d >= 0; --d) {
        if (d < L.rank) {
            long long index = i % L.shape[d];
            i /= L.shape[d];
            oa += index * L.a[d];
            ob += index * L.b[d];
        }
    }
}

/* ------------------------------------------------------------------ copies */

/* An integer converted to an integer dtype as C (and Java) cast it: int64 keeps every value, int32 keeps
 * the low 32 bits, bool tests for non-zero. No detour through double, which would round beyond 2^53. */
__device__ __forceinline__ long long castInteger(int dtype, long long v) {
    return dtype == INT32 ? (long long) (int) v : dtype == BOOL ? (v != 0) : v;
}

/* dst[i] = src[i], converted to dst's dtype. */
extern "C" __global__ void copy_convert(const void* src, int srcType, void* dst, int dstType, int n) {
    const bool integers = srcType >= INT64 && dstType >= INT64;
    FOR_EACH(i, n) {
        if (integers) ((long long*) dst)[i] = castInteger(dstType, ((const long long*) src)[i]);
        else store(dst, dstType, i, load(src, srcType, i));
    }
}

/* out[i] = in[offset + Σ index[d]·L.a[d]]: transposes, broadcasts and slices. */
extern "C" __global__ void strided_copy(const void* in, int inType, int offset, Layout L, void* out, int outType,
                                        int n) {
    FOR_EACH(i, n) {
        long long oa, ob;
        offsets(L, i, oa, ob);
        store(out, outType, i, load(in, inType, offset + oa));
    }
}

/* ------------------------------------------------------------------ elementwise */

/* Java's StrictMath.pow where it differs from C's pow: y NaN gives NaN, and so does (±1)^(±∞). */
__device__ __forceinline__ double javaPow(double x, double y) {
    if (y != y || (fabs(x) == 1.0 && isinf(y))) return __longlong_as_double(0x7ff8000000000000LL);
    return pow(x, y);
}

/* The formulas of dlblocks.tensor.UnaryOp, in double. */
__device__ __forceinline__ double unary(int op, double x, double s) {
    switch (op) {
    case NEG: return -x;
    case ABS: return fabs(x);
    case EXP: return exp(x);
    case LOG: return log(x);
    case SQRT: return sqrt(x);
    case TANH: return tanh(x);
    case SIGMOID:
        if (x >= 0) return 1 / (1 + exp(-x));
        else {
            double e = exp(x);
            return e / (1 + e);
        }
    case RELU: return x < 0 ? 0.0 : x;
    case STEP: return x <= 0 ? 0.0 : 1.0; /* NaN gives 1: PyTorch zeroes relu's gradient only where x <= 0 */
    case ADD_SCALAR: return x + s;
    case MUL_SCALAR: return x * s;
    case POW_SCALAR: return javaPow(x, s);
    case SCALAR_DIV: return s / x;
    case DIV_SCALAR: return x / s;
    default: return s; /* FILL */
    }
}

/* Java's Math.max for two non-NaN doubles: +0 counts as larger than -0. */
__device__ __forceinline__ double javaMax(double a, double b) {
    if (a == 0.0 && b == 0.0) return signbit(a) ? b : a;
    return a >= b ? a : b;
}

/* The formulas of dlblocks.tensor.BinaryOp, in double. ADD and SUB are one fused a ± s·b. */
__device__ __forceinline__ double binary(int op, double a, double b, double s) {
    switch (op) {
    case ADD: return fma(s, b, a);
    case SUB: return fma(-s, b, a);
    case MUL: return a * b;
    case DIV: return a / b;
    case MAXIMUM: return (a != a || b != b) ? __longlong_as_double(0x7ff8000000000000LL) : javaMax(a, b);
    case EQ: return a == b ? 1.0 : 0.0;
    case GT: return a > b ? 1.0 : 0.0;
    default: return b <= s ? 0.0 : a; /* THRESHOLD_BACKWARD */
    }
}

/* out[i] = op(in[i], s). out may be in. */
extern "C" __global__ void map_unary(int op, double s, const void* in, int inType, void* out, int outType, int n) {
    FOR_EACH(i, n) store(out, outType, i, unary(op, load(in, inType, i), s));
}

/* out[i] = op(a[offsetA(i)], b[offsetB(i)], s); a broadcast dimension has stride 0. In float32, a ± s·b
 * is one fmaf, rounded once to float32 as PyTorch's vec::fmadd (and CpuBackend) compute it; a double fma
 * rounded to float would round twice. */
extern "C" __global__ void zip_binary(int op, double s, const void* a, int aType, const void* b, int bType, Layout L,
                                      void* out, int outType, int n) {
    const bool fused32 = (op == ADD || op == SUB) && aType == FLOAT32 && bType == FLOAT32 && outType == FLOAT32;
    const float scale = (float) (op == ADD ? s : -s);
    FOR_EACH(i, n) {
        long long oa, ob;
        offsets(L, i, oa, ob);
        if (fused32) ((float*) out)[i] = fmaf(scale, ((const float*) b)[ob], ((const float*) a)[oa]);
        else store(out, outType, i, binary(op, load(a, aType, oa), load(b, bType, ob), s));
    }
}

/* ------------------------------------------------------------------ reductions along a dimension */

/* in viewed as (outer, n, inner): out[o][i] = SUM or MAX over j of in[o][j][i], one thread per output,
 * j ascending, rounding after every addition: the CPU's loop. A thread walks a whole column, so it loads a
 * group of elements before it adds the first of them: one load at a time would wait out the memory's
 * latency n times (a bias gradient, 256 rows summed, took 100 µs that way on an H200). The group is as
 * deep as the registers allow: 64 float32 values, or 32 of the other dtypes (held as doubles). 64 floats
 * take 148 registers, so one block of 256 threads per SM instead of two, each with twice the loads in flight;
 * capped at 128 (two blocks), ptxas spills. */
template <typename T, int GROUP>
__device__ __forceinline__ double reduceColumn(int op, const void* in, int inType, long long base, int n, int inner,
                                               int outType) {
    double acc = op == SUM ? 0.0 : -INFINITY;
    for (int j0 = 0; j0 < n; j0 += GROUP) {
        T v[GROUP];
#pragma unroll
        for (int u = 0; u < GROUP; ++u) {
            const long long at = base + (long long) (j0 + u) * inner;
            if (j0 + u >= n) v[u] = 0;
            else if constexpr (sizeof(T) == 4) v[u] = ((const float*) in)[at]; /* a float32 input, as stored */
            else v[u] = load(in, inType, at);
        }
#pragma unroll
        for (int u = 0; u < GROUP; ++u) {
            if (j0 + u >= n) break;
            const double x = v[u];
            if (op == SUM) acc = roundTo(outType, acc + x);
            else if (x != x || x > acc) acc = x; /* NaN is the maximum, and stays */
        }
        if (acc != acc && op == MAX) break;
    }
    return acc;
}

extern "C" __global__ void reduce_dim(int op, const void* in, int inType, void* out, int outType, int outer, int n,
                                      int inner) {
    FOR_EACH(t, (long long) outer * inner) {
        long long o = t / inner, i = t % inner;
        long long base = o * n * inner + i;
        double acc = inType == FLOAT32 ? reduceColumn<float, 64>(op, in, inType, base, n, inner, outType)
                                       : reduceColumn<double, 32>(op, in, inType, base, n, inner, outType);
        store(out, outType, t, acc);
    }
}

/* ------------------------------------------------------------------ log-softmax along a dimension */

/* a − b rounded once to the dtype, as zip_binary's SUB computes it (in float32, one fmaf). */
__device__ __forceinline__ double subtract(int dtype, double a, double b) {
    return dtype == FLOAT32 ? (double) fmaf(-1.f, (float) b, (float) a) : binary(SUB, a, b, 1.0);
}

/* in and out (float32 or float64) as (outer, n, inner), one thread per (o, i): m = max over j (NaN is the
 * maximum), out[o][j][i] = (x − m) − log Σ exp(x − m). The steps and roundings of reduce_dim (MAX),
 * zip_binary (SUB), map_unary (EXP), reduce_dim (SUM), map_unary (LOG) and zip_binary (SUB), in one launch. */
extern "C" __global__ void log_softmax_dim(const void* in, int type, void* out, int outer, int n, int inner) {
    FOR_EACH(t, (long long) outer * inner) {
        long long o = t / inner, i = t % inner;
        long long base = o * n * inner + i;
        double m = -INFINITY;
        for (int j = 0; j < n; ++j) {
            double v = load(in, type, base + (long long) j * inner);
            if (v != v || v > m) {
                m = v;
                if (v != v) break;
            }
        }
        double sum = 0.0;
        for (int j = 0; j < n; ++j) {
            double shifted = subtract(type, load(in, type, base + (long long) j * inner), m);
            sum = roundTo(type, sum + roundTo(type, exp(shifted)));
        }
        double logSum = roundTo(type, log(sum));
        for (int j = 0; j < n; ++j) {
            long long at = base + (long long) j * inner;
            store(out, type, at, subtract(type, subtract(type, load(in, type, at), m), logSum));
        }
    }
}

/* Its backward, laid out alike: out = g − exp(logY)·Σ over j of g, the sum in ascending j; the roundings
 * of reduce_dim (SUM), map_unary (EXP), zip_binary (MUL) and zip_binary (SUB). */
extern "C" __global__ void log_softmax_backward_dim(const void* g, const void* logY, int type, void* out, int outer,
                                                    int n, int inner) {
    FOR_EACH(t, (long long) outer * inner) {
        long long o = t / inner, i = t % inner;
        long long base = o * n * inner + i;
        double sum = 0.0;
        for (int j = 0; j < n; ++j) sum = roundTo(type, sum + load(g, type, base + (long long) j * inner));
        for (int j = 0; j < n; ++j) {
            long long at = base + (long long) j * inner;
            double y = roundTo(type, exp(load(logY, type, at)));
            store(out, type, at, subtract(type, load(g, type, at), roundTo(type, y * sum)));
        }
    }
}

/* ------------------------------------------------------------------ argmax */

/* The first j holding the maximum (a NaN counts as the maximum), into int64 out. */
extern "C" __global__ void argmax_dim(const void* in, int inType, long long* out, int outer, int n, int inner) {
    FOR_EACH(t, (long long) outer * inner) {
        long long o = t / inner, i = t % inner;
        long long base = o * n * inner + i;
        int best = 0;
        double max = load(in, inType, base);
        for (int j = 1; j < n && max == max; ++j) {
            double v = load(in, inType, base + (long long) j * inner);
            if (v > max || v != v) {
                max = v;
                best = j;
            }
        }
        out[t] = best;
    }
}

/* ------------------------------------------------------------------ indexing */

/* in as (outer, n, inner), index and out as (outer, j, inner): out[o][q][i] = in[o][index[o][q][i]][i]. */
extern "C" __global__ void gather_dim(const void* in, int inType, int outer, int n, int inner,
                                      const long long* index, int j, void* out, int outType) {
    FOR_EACH(t, (long long) outer * j * inner) {
        long long i = t % inner, o = t / ((long long) j * inner);
        store(out, outType, t, load(in, inType, (o * n + index[t]) * inner + i));
    }
}

/* The adjoint of gather: out[o][index[o][q][i]][i] += src[o][q][i]. One thread per element of out adds
 * its contributions in ascending q, as the CPU's loop does: deterministic, no atomics. */
extern "C" __global__ void scatter_add_dim(const void* src, int srcType, const long long* index, int outer, int j,
                                           int inner, int n, void* out, int outType) {
    FOR_EACH(t, (long long) outer * n * inner) {
        long long i = t % inner, r = (t / inner) % n, o = t / ((long long) n * inner);
        double acc = load(out, outType, t);
        bool touched = false;
        for (int q = 0; q < j; ++q) {
            long long at = (o * j + q) * inner + i;
            if (index[at] == r) {
                acc = roundTo(outType, acc + load(src, srcType, at));
                touched = true;
            }
        }
        if (touched) store(out, outType, t, acc);
    }
}

/* ------------------------------------------------------------------ SGEMM: C (M×N) = A (M×K) · B (K×N)
 *
 * Each block of 256 threads computes a BM×BN = 128×128 tile of C. It walks K in steps of BK = 16: the
 * block copies a 128×16 slice of A and a 16×128 slice of B into shared memory, then every thread
 * multiplies them into its own 8×8 block of C held in registers (64 accumulators). Each value a thread
 * reads from shared memory is used 8 times (register blocking), which is what makes this fast: 64
 * fused multiply-adds per 16 shared-memory reads.
 *
 * Thread (tx, ty) of the 16×16 grid owns rows ty*4 + {0..3} and 64 + ty*4 + {0..3}, and likewise
 * columns, so that a warp reads consecutive float4s from shared memory without bank conflicts.
 * Shared memory is double-buffered: while the block computes on one slice, each thread has already
 * loaded its part of the next slice (two float4s of A, two of B) into registers; one __syncthreads per
 * slice suffices. BK = 16 rather than 8 halves the barriers and the loop overhead per multiply-add
 * (measured on an H200: 5 to 8% faster; verification/cuda/sgemm-variants/).
 *
 * Boundaries: elements outside A or B load as 0, so partial tiles compute correctly for any M, N, K
 * (1, primes, ...); stores outside C are skipped. A slice is read with float4 loads when its rows
 * start on 16-byte boundaries (leading dimension a multiple of 4) and lie wholly inside the matrix.
 *
 * Split-K: blockIdx.z takes the K range [z·kChunk, (z+1)·kChunk) and writes its partial product to
 * C + z·M·N; sgemm_splitk_sum then adds the partials in order of z. The Java side splits K only when
 * M×N alone gives too few blocks to fill the GPU (a 1×V times V×6 product, say).
 *
 * Bias (nn.Linear's b, PyTorch's addmm): sgemm_splitk_sum adds it after the partials, so a split product
 * gets its bias without another pass over C. The SGEMM kernel itself takes none: at 2 blocks per SM a
 * thread has 128 registers and none to spare (with a bias in the epilogue ptxas spills sgemm_tt and, at 2
 * blocks per SM, sgemm_nn), so an unsplit product's bias is added by zip_binary. Either way it is added
 * after the whole dot product and rounded once: the bits of the CPU's matmul followed by its add.
 *
 * Each accumulator sums its terms in ascending k with fmaf (one rounding per term), so a result
 * differs from the CPU's (product rounded, then sum rounded) by at most the derived bound
 * Tolerances.cudaMatmulBound.
 */
#define BM 128
#define BN 128
#define BK 16
#define PAD 4 /* shared rows padded so that the transposing stores avoid bank conflicts */

/* Four consecutive elements of a row-major matrix (leading dimension ld) at row r, columns c..c+3,
 * with zeros outside rLimit × cLimit. */
__device__ __forceinline__ float4 load4(const float* __restrict__ p, int r, int c, int ld, int rLimit, int cLimit,
                                        bool vector) {
    float4 v = make_float4(0.f, 0.f, 0.f, 0.f);
    if (r < rLimit) {
        const float* q = p + (long long) r * ld + c;
        if (vector && c + 3 < cLimit) {
            v = *reinterpret_cast<const float4*>(q);
        } else {
            if (c < cLimit) v.x = q[0];
            if (c + 1 < cLimit) v.y = q[1];
            if (c + 2 < cLimit) v.z = q[2];
            if (c + 3 < cLimit) v.w = q[3];
        }
    }
    return v;
}

/* TA: A is stored K×M (we multiply by its transpose); TB: B is stored N×K. SLICE is the slice depth: BK
 * here; verification/cuda/sgemm-variants/ instantiates other depths to time them. WARP_TILED arranges the
 * 16×16 threads so that a warp is 8 wide and 4 high instead of 16 wide and 2 high: its shared-memory reads
 * per k are then 4 float4s of A and 8 of B (64 and 128 bytes, one pass each) instead of 2 and 16 (256 bytes
 * of B, two passes). Each thread computes exactly what it computed before, so the bits are the same; the
 * variants experiment times it (off here until it has been measured faster). */
template <bool TA, bool TB, int SLICE = BK, bool WARP_TILED = false>
__device__ __forceinline__ void sgemm(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
                                      int M, int N, int K, int kChunk) {
    __shared__ __align__(16) float As[2][SLICE][BM + PAD]; /* As[k][m]: the A slice, k-major */
    __shared__ __align__(16) float Bs[2][SLICE][BN + PAD]; /* Bs[k][n] */

    const int tid = threadIdx.x;
    const int warp = tid / 32, lane = tid % 32;
    const int tx = WARP_TILED ? (warp % 2) * 8 + lane % 8 : tid % 16;
    const int ty = WARP_TILED ? (warp / 2) * 4 + lane / 8 : tid / 16;
    const int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;
    const int kBegin = blockIdx.z * kChunk;
    const int kEnd = min(K, kBegin + kChunk);
    C += (long long) blockIdx.z * M * N;

    /* Which float4s of each slice this thread copies: part p is element idx = tid + 256·p of the slice's
     * 128·SLICE/4 float4s. Stored row-major along K (A not transposed, B transposed), a row of the slice is
     * q = SLICE/4 float4s: row idx / q, k (idx % q)·4. Stored along M or N, a k of the slice is 32 float4s:
     * k idx / 32, column (idx % 32)·4. Part p is then part 0 moved down 256/q rows, or 8 k. */
    constexpr int q = SLICE / 4;
    const int aRow = TA ? tid / 32 : tid / q, aCol = TA ? (tid % 32) * 4 : (tid % q) * 4;
    const int bRow = TB ? tid / q : tid / 32, bCol = TB ? (tid % q) * 4 : (tid % 32) * 4;
    const int aStep = TA ? 8 : 256 / q, bStep = TB ? 256 / q : 8;
    const bool aVector = (TA ? M : K) % 4 == 0;
    const bool bVector = (TB ? K : N) % 4 == 0;

    float acc[8][8];
#pragma unroll
    for (int i = 0; i < 8; ++i)
#pragma unroll
        for (int j = 0; j < 8; ++j) acc[i][j] = 0.f;

    constexpr int parts = SLICE / 8; /* float4s of A, and of B, that each thread copies per slice */
    float4 aNext[parts], bNext[parts];
    auto fetch = [&](int k0) {
#pragma unroll
        for (int p = 0; p < parts; ++p) {
            const int ar = aRow + p * aStep, br = bRow + p * bStep;
            aNext[p] = TA ? load4(A, k0 + ar, row0 + aCol, M, kEnd, M, aVector)
                          : load4(A, row0 + ar, k0 + aCol, K, M, kEnd, aVector);
            bNext[p] = TB ? load4(B, col0 + br, k0 + bCol, K, N, kEnd, bVector)
                          : load4(B, k0 + br, col0 + bCol, N, kEnd, N, bVector);
        }
    };
    auto put = [&](int buf) {
#pragma unroll
        for (int p = 0; p < parts; ++p) {
            const int ar = aRow + p * aStep, br = bRow + p * bStep;
            if (TA) {
                *reinterpret_cast<float4*>(&As[buf][ar][aCol]) = aNext[p];
            } else {
                As[buf][aCol + 0][ar] = aNext[p].x;
                As[buf][aCol + 1][ar] = aNext[p].y;
                As[buf][aCol + 2][ar] = aNext[p].z;
                As[buf][aCol + 3][ar] = aNext[p].w;
            }
            if (TB) {
                Bs[buf][bCol + 0][br] = bNext[p].x;
                Bs[buf][bCol + 1][br] = bNext[p].y;
                Bs[buf][bCol + 2][br] = bNext[p].z;
                Bs[buf][bCol + 3][br] = bNext[p].w;
            } else {
                *reinterpret_cast<float4*>(&Bs[buf][br][bCol]) = bNext[p];
            }
        }
    };

    fetch(kBegin);
    put(0);
    __syncthreads();
    int buf = 0;
    for (int k0 = kBegin; k0 < kEnd; k0 += SLICE) {
        const bool more = k0 + SLICE < kEnd;
        if (more) fetch(k0 + SLICE); /* global loads in flight while we compute */
#pragma unroll
        for (int kk = 0; kk < SLICE; ++kk) {
            float4 a0 = *reinterpret_cast<const float4*>(&As[buf][kk][ty * 4]);
            float4 a1 = *reinterpret_cast<const float4*>(&As[buf][kk][64 + ty * 4]);
            float4 b0 = *reinterpret_cast<const float4*>(&Bs[buf][kk][tx * 4]);
            float4 b1 = *reinterpret_cast<const float4*>(&Bs[buf][kk][64 + tx * 4]);
            const float a[8] = {a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w};
            const float b[8] = {b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w};
#pragma unroll
            for (int i = 0; i < 8; ++i)
#pragma unroll
                for (int j = 0; j < 8; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
        }
        if (more) put(buf ^ 1);
        __syncthreads();
        buf ^= 1;
    }

    const bool cVector = N % 4 == 0;
#pragma unroll
    for (int i = 0; i < 8; ++i) {
        const int row = row0 + (i < 4 ? ty * 4 + i : 64 + ty * 4 + i - 4);
        if (row >= M) continue;
#pragma unroll
        for (int h = 0; h < 2; ++h) {
            const int col = col0 + h * 64 + tx * 4;
            float* c = C + (long long) row * N + col;
            const float* v = &acc[i][h * 4];
            if (cVector && col + 3 < N) {
                *reinterpret_cast<float4*>(c) = make_float4(v[0], v[1], v[2], v[3]);
            } else {
#pragma unroll
                for (int e = 0; e < 4; ++e)
                    if (col + e < N) c[e] = v[e];
            }
        }
    }
}

/* blocksPerSm: how many blocks __launch_bounds__ asks to fit on one multiprocessor (2 caps a thread at
 * 128 registers). sgemm_nn needs a few more than 128 (with 128 it spills to local memory), so it runs one
 * block per multiprocessor; CudaBackend.blocksPerSm says the same to the launch planner. */
#define SGEMM_KERNEL(name, ta, tb, blocksPerSm)                                                             \
    extern "C" __global__ void __launch_bounds__(256, blocksPerSm)                                          \
        name(const float* A, const float* B, float* C, int M, int N, int K, int kChunk) {                   \
        sgemm<ta, tb>(A, B, C, M, N, K, kChunk);                                                            \
    }
SGEMM_KERNEL(sgemm_nn, false, false, 1)
SGEMM_KERNEL(sgemm_nt, false, true, 2)
SGEMM_KERNEL(sgemm_tn, true, false, 2)
SGEMM_KERNEL(sgemm_tt, true, true, 2)

/* C[i] = Σ over z of partial[z][i], z ascending, then + bias[i mod N] when bias is not null (C is M×N). */
extern "C" __global__ void sgemm_splitk_sum(const float* partial, const float* bias, float* C, int count, int N,
                                            int splits) {
    FOR_EACH(i, count) {
        float acc = partial[i];
        for (int z = 1; z < splits; ++z) acc += partial[(long long) z * count + i];
        C[i] = bias != nullptr ? acc + bias[i % N] : acc;
    }
}

/* ------------------------------------------------------------------ DGEMM (float64)
 *
 * A plain 16×16 shared-memory tiling, one output per thread. It multiplies and adds with separate
 * roundings (__dmul_rn, __dadd_rn are never fused) in ascending k, which is exactly the CPU's loop: the
 * float64 product equals the CPU's bit for bit. float64 is for gradient checks, where this matters
 * more than speed.
 */
#define DT 16
extern "C" __global__ void dgemm(const double* A, const double* B, const double* bias, double* C, int M, int N, int K,
                                 int transA, int transB) {
    __shared__ double As[DT][DT], Bs[DT][DT];
    const int tx = threadIdx.x, ty = threadIdx.y;
    const int row = blockIdx.y * DT + ty, col = blockIdx.x * DT + tx;
    double acc = 0.0;
    for (int k0 = 0; k0 < K; k0 += DT) {
        const int ka = k0 + tx, kb = k0 + ty;
        As[ty][tx] = row < M && ka < K ? A[transA ? (long long) ka * M + row : (long long) row * K + ka] : 0.0;
        Bs[ty][tx] = kb < K && col < N ? B[transB ? (long long) col * K + kb : (long long) kb * N + col] : 0.0;
        __syncthreads();
        const int steps = min(DT, K - k0);
        for (int kk = 0; kk < steps; ++kk) acc = __dadd_rn(acc, __dmul_rn(As[ty][kk], Bs[kk][tx]));
        __syncthreads();
    }
    if (row < M && col < N) C[(long long) row * N + col] = bias != nullptr ? __dadd_rn(acc, bias[col]) : acc;
}
