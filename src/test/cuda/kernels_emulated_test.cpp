/*
 * The kernels of kernels.cu, run by emulator.h on the CPU and compared with plain loops written the
 * way CpuBackend writes them (o, q, i loops rather than one thread per element). This is a check of
 * the kernels' logic for machines without a GPU; on a GPU the Java properties (CudaKernelsProperties)
 * compare the real kernels with the Java reference. Run with run-emulated.sh.
 */
#include "emulator.h"

#include "../../main/cuda/kernels.cu"

#include <cstdio>
#include <random>

static std::mt19937_64 rng(12345);
static int failures = 0;

#define CHECK(cond, ...)                                                                                        \
    do {                                                                                                        \
        if (!(cond)) {                                                                                          \
            if (failures++ < 20) {                                                                              \
                std::printf("FAIL %s:%d: ", __FILE__, __LINE__);                                                \
                std::printf(__VA_ARGS__);                                                                       \
                std::printf("\n");                                                                              \
            }                                                                                                   \
        }                                                                                                       \
    } while (0)

static bool sameBits(double a, double b) { return (a != a && b != b) || std::memcmp(&a, &b, sizeof a) == 0; }
static bool sameBits(float a, float b) { return (a != a && b != b) || std::memcmp(&a, &b, sizeof a) == 0; }

static float randomFloat() {
    std::normal_distribution<float> n(0.f, 1.f);
    return n(rng);
}

static std::vector<float> floats(size_t n) {
    std::vector<float> v(n);
    for (auto& x : v) x = randomFloat();
    return v;
}

/* An aligned copy, as cuMemAlloc gives. */
template <typename T> struct Buffer {
    T* p;
    size_t n;
    explicit Buffer(size_t count) : n(count) {
        p = static_cast<T*>(std::aligned_alloc(256, ((count * sizeof(T) + 255) / 256 + 1) * 256));
        std::memset(p, 0, count * sizeof(T));
    }
    Buffer(const std::vector<T>& v) : Buffer(v.size()) { std::memcpy(p, v.data(), v.size() * sizeof(T)); }
    ~Buffer() { std::free(p); }
};

static int blocksFor(long long n) { return (int) std::max(1LL, std::min((n + 255) / 256, 64LL)); }

/* ------------------------------------------------------------------ SGEMM and DGEMM */

/* The template with the warp-tiled thread arrangement, which the variants experiment times: the same bits. */
template <bool ta, bool tb>
static void sgemmWarpTiled(const float* A, const float* B, float* C, int M, int N, int K, int kChunk) {
    sgemm<ta, tb, BK, true>(A, B, C, M, N, K, kChunk);
}

static void testWarpTiledSgemm(int M, int N, int K, bool ta, bool tb) {
    std::vector<float> a = floats((size_t) M * K), b = floats((size_t) K * N);
    Buffer<float> A(a), B(b), C((size_t) M * N), W((size_t) M * N);
    auto kernel = !ta && !tb ? sgemm_nn : !ta ? sgemm_nt : !tb ? sgemm_tn : sgemm_tt;
    auto tiled = !ta && !tb ? sgemmWarpTiled<false, false>
                 : !ta      ? sgemmWarpTiled<false, true>
                 : !tb      ? sgemmWarpTiled<true, false>
                            : sgemmWarpTiled<true, true>;
    dim3 grid((N + 127) / 128, (M + 127) / 128);
    emulator::launch(grid, dim3(256), [&] { kernel(A.p, B.p, C.p, M, N, K, K); });
    emulator::launch(grid, dim3(256), [&] { tiled(A.p, B.p, W.p, M, N, K, K); });
    for (size_t t = 0; t < (size_t) M * N; ++t)
        CHECK(sameBits(C.p[t], W.p[t]), "warp-tiled sgemm %dx%dx%d ta=%d tb=%d at %zu: %.9g, not %.9g", M, N, K, ta,
              tb, t, W.p[t], C.p[t]);
}

/* C = op(A)·op(B); when split, the split-K sum also adds a bias row if withBias (nn.Linear's b, added after
 * the whole dot product). */
static void testSgemm(int M, int N, int K, bool ta, bool tb, int splits, bool withBias) {
    std::vector<float> a = floats((size_t) M * K), b = floats((size_t) K * N), bias = floats((size_t) N);
    int kChunk = splits == 1 ? K : ((K + splits - 1) / splits + 7) / 8 * 8;
    int S = (K + kChunk - 1) / kChunk;
    if (S < 1) S = 1;
    Buffer<float> A(a), B(b), Bias(bias), C((size_t) M * N), W((size_t) S * M * N);
    const float* biasOrNull = withBias ? Bias.p : nullptr;
    float* target = S == 1 ? C.p : W.p;
    auto kernel = !ta && !tb ? sgemm_nn : !ta ? sgemm_nt : !tb ? sgemm_tn : sgemm_tt;
    emulator::launch(dim3((N + 127) / 128, (M + 127) / 128, S), dim3(256),
                     [&] { kernel(A.p, B.p, target, M, N, K, kChunk); });
    if (S > 1) emulator::launch(dim3(blocksFor((long long) M * N)), dim3(256), [&] {
        sgemm_splitk_sum(W.p, biasOrNull, C.p, M * N, N, S);
    });
    for (int i = 0; i < M; ++i)
        for (int j = 0; j < N; ++j) {
            /* expected: per chunk, fmaf in ascending k from 0; then the chunks summed in order */
            float total = 0.f;
            for (int z = 0; z < S; ++z) {
                float acc = 0.f;
                for (int p = z * kChunk; p < std::min(K, (z + 1) * kChunk); ++p) {
                    float x = ta ? a[(size_t) p * M + i] : a[(size_t) i * K + p];
                    float y = tb ? b[(size_t) j * K + p] : b[(size_t) p * N + j];
                    acc = std::fma(x, y, acc);
                }
                total = z == 0 ? acc : total + acc;
            }
            if (withBias && S > 1) total = total + bias[j];
            float got = C.p[(size_t) i * N + j];
            CHECK(sameBits(total, got), "sgemm %dx%dx%d ta=%d tb=%d S=%d bias=%d at (%d,%d): expected %.9g got %.9g", M,
                  N, K, ta, tb, S, withBias, i, j, total, got);
        }
}

static void testDgemm(int M, int N, int K, bool ta, bool tb, bool withBias) {
    std::vector<double> a(M * K), b(K * N), bias(N);
    for (auto& x : a) x = randomFloat() / 3.0;
    for (auto& x : b) x = randomFloat() / 7.0;
    for (auto& x : bias) x = randomFloat() / 5.0;
    Buffer<double> A(a), B(b), Bias(bias), C((size_t) M * N);
    emulator::launch(dim3((N + 15) / 16, (M + 15) / 16), dim3(16, 16),
                     [&] { dgemm(A.p, B.p, withBias ? Bias.p : nullptr, C.p, M, N, K, ta, tb); });
    for (int i = 0; i < M; ++i)
        for (int j = 0; j < N; ++j) {
            double acc = 0;
            for (int p = 0; p < K; ++p) {
                double prod = (ta ? a[p * M + i] : a[i * K + p]) * (tb ? b[j * K + p] : b[p * N + j]);
                acc = acc + prod;
            }
            if (withBias) acc = acc + bias[j];
            CHECK(sameBits(acc, C.p[i * N + j]), "dgemm %dx%dx%d ta=%d tb=%d at (%d,%d)", M, N, K, ta, tb, i, j);
        }
}

/* ------------------------------------------------------------------ the other kernels */

static Layout layout(const std::vector<int>& shape, const std::vector<int>& sa, const std::vector<int>& sb) {
    Layout L{};
    L.rank = (int) shape.size();
    for (size_t d = 0; d < shape.size(); ++d) {
        L.shape[d] = shape[d];
        L.a[d] = sa[d];
        L.b[d] = sb[d];
    }
    return L;
}

static void testStridedAndZip() {
    /* a (2,3,4) tensor transposed to (4,3,2), and zipped with a broadcast (1,3,1) tensor */
    std::vector<int> shape = {4, 3, 2};
    std::vector<int> transposed = {1, 4, 12}; /* strides of (2,3,4) read as (4,3,2) */
    std::vector<int> broadcast = {0, 1, 0};
    std::vector<float> a = floats(24), b = floats(3);
    Buffer<float> A(a), B(b), T(24), Z(24);
    Layout L = layout(shape, transposed, broadcast);
    emulator::launch(dim3(1), dim3(256), [&] { strided_copy(A.p, FLOAT32, 0, L, T.p, FLOAT32, 24); });
    emulator::launch(dim3(2), dim3(16), [&] { zip_binary(SUB, 0.5, A.p, FLOAT32, B.p, FLOAT32, L, Z.p, FLOAT32, 24); });
    int i = 0;
    for (int x = 0; x < 4; ++x)
        for (int y = 0; y < 3; ++y)
            for (int z = 0; z < 2; ++z, ++i) {
                float av = a[z * 12 + y * 4 + x];
                CHECK(sameBits(av, T.p[i]), "strided at %d", i);
                float expected = std::fma(-0.5f, b[y], av); /* float32 a - s·b: one fmaf */
                CHECK(sameBits(expected, Z.p[i]), "zip SUB at %d", i);
            }
    /* a slice: select(1, 2) of (2,3,4) is offset 8, shape (2,4), strides (12,1) */
    Buffer<float> S(8);
    Layout sl = layout({2, 4}, {12, 1}, {0, 0});
    emulator::launch(dim3(1), dim3(3), [&] { strided_copy(A.p, FLOAT32, 8, sl, S.p, FLOAT32, 8); });
    for (int r = 0; r < 2; ++r)
        for (int c = 0; c < 4; ++c) CHECK(sameBits(a[r * 12 + 8 + c], S.p[r * 4 + c]), "slice at %d,%d", r, c);
}

static void testMapAndConversions() {
    std::vector<float> a = floats(300);
    a[0] = -0.f;
    a[1] = NAN;
    a[2] = INFINITY;
    a[3] = 3e9f;
    Buffer<float> A(a), O(300);
    for (int op = NEG; op <= FILL; ++op) {
        double s = op == POW_SCALAR ? 2.0 : 0.75;
        emulator::launch(dim3(2), dim3(64), [&] { map_unary(op, s, A.p, FLOAT32, O.p, FLOAT32, 300); });
        for (int i = 0; i < 300; ++i) {
            double x = a[i], r;
            switch (op) {
            case NEG: r = -x; break;
            case ABS: r = std::fabs(x); break;
            case EXP: r = std::exp(x); break;
            case LOG: r = std::log(x); break;
            case SQRT: r = std::sqrt(x); break;
            case TANH: r = std::tanh(x); break;
            case SIGMOID: r = x >= 0 ? 1 / (1 + std::exp(-x)) : std::exp(x) / (1 + std::exp(x)); break;
            case RELU: r = x < 0 ? 0 : x; break;
            case STEP: r = x <= 0 ? 0 : 1; break;
            case ADD_SCALAR: r = x + s; break;
            case MUL_SCALAR: r = x * s; break;
            case POW_SCALAR: r = std::pow(x, s); break;
            case SCALAR_DIV: r = s / x; break;
            case DIV_SCALAR: r = x / s; break;
            default: r = s;
            }
            CHECK(sameBits((float) r, O.p[i]), "map op %d at %d: x=%g expected %g got %g", op, i, x, r, O.p[i]);
        }
    }
    /* int64 → int32 keeps the low 32 bits (a C cast), never through double */
    std::vector<long long> big = {(1LL << 53) + 1, -(1LL << 40) - 7, 4294967297LL, 0};
    Buffer<long long> Big(big), Same(4), Narrow(4);
    emulator::launch(dim3(1), dim3(4), [&] { copy_convert(Big.p, INT64, Same.p, INT64, 4); });
    emulator::launch(dim3(1), dim3(4), [&] { copy_convert(Big.p, INT64, Narrow.p, INT32, 4); });
    for (int i = 0; i < 4; ++i) {
        CHECK(Same.p[i] == big[i], "int64 copy at %d", i);
        CHECK(Narrow.p[i] == (long long) (int) big[i], "int64 → int32 at %d", i);
    }
    /* float32 → int64 (truncation, NaN → 0, saturation) → bool → float64 */
    Buffer<long long> L(300), Bo(300);
    Buffer<double> D(300);
    emulator::launch(dim3(1), dim3(256), [&] { copy_convert(A.p, FLOAT32, L.p, INT64, 300); });
    emulator::launch(dim3(1), dim3(256), [&] { copy_convert(A.p, FLOAT32, Bo.p, BOOL, 300); });
    emulator::launch(dim3(1), dim3(256), [&] { copy_convert(L.p, INT64, D.p, FLOAT64, 300); });
    for (int i = 0; i < 300; ++i) {
        double x = a[i];
        long long expected = x != x ? 0 : x >= 9.2233720368547758e18 ? INT64_MAX : (long long) x;
        CHECK(L.p[i] == expected, "float→int64 at %d: %g gave %lld", i, x, L.p[i]);
        CHECK(Bo.p[i] == (x != 0 ? 1 : 0), "float→bool at %d", i);
        CHECK(D.p[i] == (double) expected, "int64→float64 at %d", i);
    }
    /* Java's pow and max special cases */
    std::vector<double> xs = {1.0, -1.0, 2.0, -0.0, 0.0};
    Buffer<double> X(xs), P(5), M(5), Z(5);
    emulator::launch(dim3(1), dim3(8), [&] { map_unary(POW_SCALAR, INFINITY, X.p, FLOAT64, P.p, FLOAT64, 5); });
    CHECK(P.p[0] != P.p[0] && P.p[1] != P.p[1], "(±1)^∞ is NaN in Java");
    Buffer<double> Y(std::vector<double>{-0.0, -0.0, 1.0, -0.0, -0.0});
    Layout flat = layout({5}, {1}, {1});
    emulator::launch(dim3(1), dim3(8), [&] { zip_binary(MAXIMUM, 0, X.p, FLOAT64, Y.p, FLOAT64, flat, M.p, FLOAT64, 5); });
    CHECK(!signbit(M.p[4]) && signbit(M.p[3]), "max(+0, -0) = +0, max(-0, -0) = -0");
    CHECK(M.p[2] == 2.0, "max(2, 1) = 2");
}

/* n = 37: one group of loads; n = 150: three for float32 (64 deep), the last partial */
static void testReductionsAndIndexing(int n) {
    const int outer = 3, inner = 5;
    std::vector<float> a = floats(outer * n * inner);
    a[7 * inner + 2] = NAN;                                  /* o = 0, j = 7, i = 2 */
    a[(n + 5) * inner + 1] = a[(n + 9) * inner + 1] = 100.f; /* a tie: the first one wins */
    Buffer<float> A(a), S(outer * inner), Mx(outer * inner);
    Buffer<long long> Am(outer * inner);
    emulator::launch(dim3(1), dim3(4), [&] { reduce_dim(SUM, A.p, FLOAT32, S.p, FLOAT32, outer, n, inner); });
    emulator::launch(dim3(1), dim3(4), [&] { reduce_dim(MAX, A.p, FLOAT32, Mx.p, FLOAT32, outer, n, inner); });
    emulator::launch(dim3(1), dim3(4), [&] { argmax_dim(A.p, FLOAT32, Am.p, outer, n, inner); });
    for (int o = 0; o < outer; ++o)
        for (int i = 0; i < inner; ++i) {
            float sum = 0, max = -INFINITY;
            long long best = 0;
            for (int j = 0; j < n; ++j) {
                float v = a[(o * n + j) * inner + i];
                sum += v;
                if (max == max && (v != v || v > max)) {
                    max = v;
                    best = j;
                }
            }
            CHECK(sameBits(sum, S.p[o * inner + i]), "sum at %d,%d", o, i);
            CHECK(sameBits(max, Mx.p[o * inner + i]), "max at %d,%d", o, i);
            CHECK(best == Am.p[o * inner + i], "argmax at %d,%d: %lld vs %lld", o, i, best, Am.p[o * inner + i]);
        }
    /* gather 4 rows per (o, i), then scatter them back with repeats */
    const int j = 4;
    std::vector<long long> index(outer * j * inner);
    for (auto& v : index) v = (long long) (rng() % n);
    index[0] = index[inner] = 3; /* a repeated target */
    Buffer<long long> I(index);
    Buffer<float> G(outer * j * inner), Out(outer * n * inner);
    emulator::launch(dim3(1), dim3(32), [&] { gather_dim(A.p, FLOAT32, outer, n, inner, I.p, j, G.p, FLOAT32); });
    std::vector<float> initial = floats(outer * n * inner);
    std::memcpy(Out.p, initial.data(), initial.size() * sizeof(float));
    emulator::launch(dim3(3), dim3(32), [&] { scatter_add_dim(G.p, FLOAT32, I.p, outer, j, inner, n, Out.p, FLOAT32); });
    std::vector<float> expected = initial;
    for (int o = 0; o < outer; ++o)
        for (int q = 0; q < j; ++q)
            for (int i = 0; i < inner; ++i) {
                int at = (o * j + q) * inner + i;
                float g = a[(o * n + index[at]) * inner + i];
                CHECK(sameBits(g, G.p[at]), "gather at %d", at);
                float& t = expected[(o * n + index[at]) * inner + i];
                t = t + g;
            }
    for (size_t t = 0; t < expected.size(); ++t) CHECK(sameBits(expected[t], Out.p[t]), "scatter_add at %zu", t);
}

int main() {
    for (int ta = 0; ta < 2; ++ta)
        for (int tb = 0; tb < 2; ++tb) {
            for (int withBias = 0; withBias < 2; ++withBias) {
                testSgemm(1, 1, 1, ta, tb, 1, withBias);
                testSgemm(1, 6, 26, ta, tb, 1, withBias);      /* the tutorial's x·Wᵀ */
                testSgemm(6, 26, 1, ta, tb, 1, withBias);      /* and gᵀ·x */
                testSgemm(131, 129, 37, ta, tb, 1, withBias);  /* partial tiles, primes, no float4 */
                testSgemm(128, 256, 64, ta, tb, 1, withBias);  /* whole tiles, float4 everywhere */
                testSgemm(130, 132, 20, ta, tb, 1, withBias);  /* float4 with partial tiles */
                testSgemm(3, 7, 200, ta, tb, 5, withBias);     /* split-K */
                testSgemm(2, 130, 1000, ta, tb, 9, withBias);  /* split-K with a partial last chunk */
                testDgemm(17, 19, 23, ta, tb, withBias);
                testDgemm(1, 5, 40, ta, tb, withBias);
            }
            testWarpTiledSgemm(131, 257, 37, ta, tb);
            testWarpTiledSgemm(128, 128, 64, ta, tb);
        }
    testStridedAndZip();
    testMapAndConversions();
    testReductionsAndIndexing(37);
    testReductionsAndIndexing(150);
    if (failures) {
        std::printf("%d check(s) failed\n", failures);
        return 1;
    }
    std::printf("all emulated kernel checks passed\n");
    return 0;
}
