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
    GATHER_DIM("ptr i32 i32 i32 i32 ptr i32 ptr i32"),
    SCATTER_ADD_DIM("ptr i32 ptr i32 i32 i32 i32 ptr i32"),
    SGEMM_NN("ptr ptr ptr i32 i32 i32 i32"),
    SGEMM_NT("ptr ptr ptr i32 i32 i32 i32"),
    SGEMM_TN("ptr ptr ptr i32 i32 i32 i32"),
    SGEMM_TT("ptr ptr ptr i32 i32 i32 i32"),
    SGEMM_SPLITK_SUM("ptr ptr i32 i32"),
    DGEMM("ptr ptr ptr i32 i32 i32 i32 i32");

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

    /** The SGEMM kernel for the given transposes. */
    static Kernel sgemm(boolean transA, boolean transB) {
        return transA ? (transB ? SGEMM_TT : SGEMM_TN) : (transB ? SGEMM_NT : SGEMM_NN);
    }
}
