package dlblocks.cuda;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The kernels of {@code src/main/cuda/kernels.cu}, each with the parameters its CUDA signature takes, in
 * order: {@code ptr} a device pointer, {@code i32} an int, {@code f64} a double, {@code layout} the
 * 100-byte {@code Layout} struct ({@link Layouts}). Launches check their arguments against this list,
 * and {@code PtxTest} checks this list against the compiled PTX, so Java and CUDA cannot drift apart.
 */
enum Kernel {
    COPY_CONVERT("ptr i32 ptr i32 i32"),
    STRIDED_COPY("ptr i32 i32 layout ptr i32 i32"),
    MAP_UNARY("i32 f64 ptr i32 ptr i32 i32"),
    ZIP_BINARY("i32 f64 ptr i32 ptr i32 layout ptr i32 i32"),
    REDUCE_DIM("i32 ptr i32 ptr i32 i32 i32 i32"),
    ARGMAX_DIM("ptr i32 ptr i32 i32 i32"),
    LOG_SOFTMAX_DIM("ptr i32 ptr i32 i32 i32"),
    LOG_SOFTMAX_BACKWARD_DIM("ptr ptr i32 ptr i32 i32 i32"),
    GATHER_DIM("ptr i32 i32 i32 i32 ptr i32 ptr i32"),
    SCATTER_ADD_DIM("ptr i32 ptr i32 i32 i32 i32 ptr i32"),
    SGEMM_NN("ptr ptr ptr i32 i32 i32 i32"),
    SGEMM_NT("ptr ptr ptr i32 i32 i32 i32"),
    SGEMM_TN("ptr ptr ptr i32 i32 i32 i32"),
    SGEMM_TT("ptr ptr ptr i32 i32 i32 i32"),
    SGEMM_SPLITK_SUM("ptr ptr ptr i32 i32 i32"),
    DGEMM("ptr ptr ptr ptr i32 i32 i32 i32 i32");

    private final List<String> params;

    Kernel(String params) {
        this.params = Arrays.asList(params.split(" "));
    }

    /** The kernel's extern "C" name in the PTX. */
    String entry() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The parameter kinds, in order. */
    List<String> params() {
        return params;
    }

    /**
     * How many blocks of this kernel fit on one multiprocessor, as its {@code __launch_bounds__} in
     * kernels.cu asks (1 for sgemm_nn, which needs more than the 128 registers that 2 would allow; 2 for the
     * other SGEMMs); the launch planner fills the GPU with this many blocks per SM.
     */
    int blocksPerSm() {
        return this == SGEMM_NN ? 1 : 2;
    }

    /** The SGEMM kernel for the given transposes. */
    static Kernel sgemm(boolean transA, boolean transB) {
        return transA ? (transB ? SGEMM_TT : SGEMM_TN) : (transB ? SGEMM_NT : SGEMM_NN);
    }
}
