/*
 * SGEMM variants for choosing the production kernel (an experiment, not part of the library): the
 * production kernels of src/main/cuda/kernels.cu (included as they are), and the same 128×128 tile with
 * other slice depths (BK) and occupancies (blocks per SM). bench.py, on a GPU, times each against the
 * shapes of Linear(4096, 4096) at batch 256 and checks each against the production kernel's result.
 *
 * Every variant keeps the production kernel's arithmetic: each output is one fmaf chain over k in
 * ascending order, so all variants give the same bits as the production kernel (bench.py checks this).
 */
#include "../../../src/main/cuda/kernels.cu"

template <bool TA, bool TB, int SK>
__device__ __forceinline__ void sgemmDeep(const float* __restrict__ A, const float* __restrict__ B,
                                          float* __restrict__ C, int M, int N, int K, int kChunk) {
    constexpr int L = SK / 8; /* float4s of A (and of B) each thread copies per slice */
    __shared__ __align__(16) float As[2][SK][BM + PAD];
    __shared__ __align__(16) float Bs[2][SK][BN + PAD];

    const int tid = threadIdx.x;
    const int tx = tid % 16, ty = tid / 16;
    const int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;
    const int kBegin = blockIdx.z * kChunk;
    const int kEnd = min(K, kBegin + kChunk);
    C += (long long) blockIdx.z * M * N;
    const bool aVector = (TA ? M : K) % 4 == 0;
    const bool bVector = (TB ? K : N) % 4 == 0;

    /* part p of this thread: idx = tid + 256 p. Stored along K (A plain, B transposed): row idx / (SK/4),
     * k (idx % (SK/4))·4. Stored along M or N: k idx / 32, column (idx % 32)·4. */
    int aR[L], aC[L], bR[L], bC[L];
#pragma unroll
    for (int p = 0; p < L; ++p) {
        const int idx = tid + 256 * p;
        aR[p] = TA ? idx / 32 : idx / (SK / 4);
        aC[p] = TA ? (idx % 32) * 4 : (idx % (SK / 4)) * 4;
        bR[p] = TB ? idx / (SK / 4) : idx / 32;
        bC[p] = TB ? (idx % (SK / 4)) * 4 : (idx % 32) * 4;
    }

    float acc[8][8];
#pragma unroll
    for (int i = 0; i < 8; ++i)
#pragma unroll
        for (int j = 0; j < 8; ++j) acc[i][j] = 0.f;

    float4 aNext[L], bNext[L];
    auto fetch = [&](int k0) {
#pragma unroll
        for (int p = 0; p < L; ++p) {
            aNext[p] = TA ? load4(A, k0 + aR[p], row0 + aC[p], M, kEnd, M, aVector)
                          : load4(A, row0 + aR[p], k0 + aC[p], K, M, kEnd, aVector);
            bNext[p] = TB ? load4(B, col0 + bR[p], k0 + bC[p], K, N, kEnd, bVector)
                          : load4(B, k0 + bR[p], col0 + bC[p], N, kEnd, N, bVector);
        }
    };
    auto put = [&](int buf) {
#pragma unroll
        for (int p = 0; p < L; ++p) {
            if (TA) {
                *reinterpret_cast<float4*>(&As[buf][aR[p]][aC[p]]) = aNext[p];
            } else {
                As[buf][aC[p] + 0][aR[p]] = aNext[p].x;
                As[buf][aC[p] + 1][aR[p]] = aNext[p].y;
                As[buf][aC[p] + 2][aR[p]] = aNext[p].z;
                As[buf][aC[p] + 3][aR[p]] = aNext[p].w;
            }
            if (TB) {
                Bs[buf][bC[p] + 0][bR[p]] = bNext[p].x;
                Bs[buf][bC[p] + 1][bR[p]] = bNext[p].y;
                Bs[buf][bC[p] + 2][bR[p]] = bNext[p].z;
                Bs[buf][bC[p] + 3][bR[p]] = bNext[p].w;
            } else {
                *reinterpret_cast<float4*>(&Bs[buf][bR[p]][bC[p]]) = bNext[p];
            }
        }
    };

    fetch(kBegin);
    put(0);
    __syncthreads();
    int buf = 0;
    for (int k0 = kBegin; k0 < kEnd; k0 += SK) {
        const bool more = k0 + SK < kEnd;
        if (more) fetch(k0 + SK);
#pragma unroll
        for (int kk = 0; kk < SK; ++kk) {
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

/* name: v<SK>_<blocks per SM>_<nn|nt|tn> */
#define VARIANT(sk, mb, suffix, ta, tb)                                                                      \
    extern "C" __global__ void __launch_bounds__(256, mb)                                                  \
        v##sk##_##mb##_##suffix(const float* A, const float* B, float* C, int M, int N, int K, int kChunk) { \
        sgemmDeep<ta, tb, sk>(A, B, C, M, N, K, kChunk);                                                   \
    }
#define VARIANTS(sk, mb)                  \
    VARIANT(sk, mb, nn, false, false)     \
    VARIANT(sk, mb, nt, false, true)      \
    VARIANT(sk, mb, tn, true, false)
VARIANTS(8, 2)
VARIANTS(16, 2)
VARIANTS(16, 1)


/* The production sgemm_nn compiled for 2 blocks per SM (production: 1, chosen when its index arithmetic
 * spilled at 128 registers; the production indexing no longer does). */
extern "C" __global__ void __launch_bounds__(256, 2)
    p2_nn(const float* A, const float* B, float* C, int M, int N, int K, int kChunk) {
    sgemm<false, false>(A, B, C, M, N, K, kChunk);
}
