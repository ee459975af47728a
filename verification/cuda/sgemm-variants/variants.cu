/*
 * SGEMM variants for choosing the production kernel (an experiment, not part of the library): the
 * production kernels of src/main/cuda/kernels.cu (included as they are), and its sgemm template
 * instantiated with other slice depths (its SLICE parameter) and occupancies (blocks per SM). bench.py, on
 * a GPU, times each against the shapes of Linear(4096, 4096) at batch 256 and checks each against the
 * production kernel's result.
 *
 * Every variant keeps the production kernel's arithmetic: each output is one fmaf chain over k in
 * ascending order, so all variants give the same bits as the production kernel (bench.py checks this).
 */
#include "../../../src/main/cuda/kernels.cu"

/* name: v<slice depth>_<blocks per SM>[w]_<nn|nt|tn>; w: warp-tiled thread arrangement (see the template) */
#define VARIANT(sk, mb, w, tag, suffix, ta, tb)                                                              \
    extern "C" __global__ void __launch_bounds__(256, mb)                                                  \
        v##sk##_##mb##tag##_##suffix(const float* A, const float* B, float* C, int M, int N, int K,         \
                                     int kChunk) {                                                       \
        sgemm<ta, tb, sk, w>(A, B, C, M, N, K, kChunk);                                                    \
    }
#define VARIANTS(sk, mb, w, tag)                  \
    VARIANT(sk, mb, w, tag, nn, false, false)     \
    VARIANT(sk, mb, w, tag, nt, false, true)      \
    VARIANT(sk, mb, w, tag, tn, true, false)
VARIANTS(8, 2, false, )
VARIANTS(16, 2, false, ) /* v16_2_nn: the production sgemm_nn at 2 blocks per SM instead of 1 */
VARIANTS(16, 1, false, )
VARIANTS(16, 2, true, w) /* v16_2w: the production kernels (nt, tn) warp-tiled */
VARIANTS(16, 1, true, w) /* v16_1w_nn: the production sgemm_nn warp-tiled */
