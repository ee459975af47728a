package dlblocks.tensor;

/**
 * The primitive kernels a device must provide. Every tensor operation in dlblocks, forward and backward,
 * is written with these, so each concept runs on every device and the same properties test every backend.
 *
 * <p>All storages are contiguous and row-major. A dimension is described the way the kernels see it:
 * reducing along {@code dim} of a contiguous tensor views it as {@code (outer, n, inner)} where
 * {@code n} is the length of {@code dim}, {@code outer} the product of the sizes before it and
 * {@code inner} the product of those after it.
 *
 * <p>{@link CpuBackend} is the reference: plain loops that compute each formula in double precision and
 * round once to the dtype. Other backends are proven equal to it by properties.
 */
public interface Backend {
    Device device();

    /** A new storage holding {@code numel} zeros. */
    Storage zeros(DType dtype, int numel);

    /** A new storage holding the given values, each rounded to {@code dtype}. */
    Storage fromDoubles(DType dtype, double[] values);

    /** A new float32 storage holding the given values. */
    Storage fromFloats(float[] values);

    /** A new integer (or bool) storage holding the given values. */
    Storage fromLongs(DType dtype, long[] values);

    /** The elements as doubles, copied to the host (float32 widens exactly). */
    double[] toDoubles(Storage s);

    /** The elements of a float32 storage, copied to the host. */
    float[] toFloats(Storage s);

    /** The elements as longs (floating values truncate toward zero), copied to the host. */
    long[] toLongs(Storage s);

    /** {@code dst[i] = src[i]}, converted to dst's dtype. Both have the same number of elements. */
    void copy(Storage src, Storage dst);

    /**
     * {@code out[i] = in[offset + position(i)]}, where {@code position} is the index of element
     * {@code i} (row-major in {@code shape}) dotted with {@code strides}. Transposes, broadcasts and
     * slices are this copy.
     */
    void strided(Storage in, int offset, int[] strides, int[] shape, Storage out);

    /** {@code out[i] = op(in[i], s)}. {@code out} may be {@code in}. */
    void map(UnaryOp op, double s, Storage in, Storage out);

    /**
     * {@code out[i] = op(a[offsetA(i)], b[offsetB(i)], s)}, offsets as in {@link #strided}; a broadcast
     * dimension has stride 0. {@code out} may be {@code a} when a is not broadcast.
     */
    void zip(BinaryOp op, double s, Storage a, int[] aStrides, Storage b, int[] bStrides, int[] shape, Storage out);

    /** With {@code in} viewed as (outer, n, inner): {@code out[o][i] = op over j of in[o][j][i]}. */
    void reduce(ReduceOp op, Storage in, int outer, int n, int inner, Storage out);

    /** With {@code in} viewed as (outer, n, inner): the first j holding the maximum, into int64 {@code out}. */
    void argmax(Storage in, int outer, int n, int inner, Storage out);

    /**
     * log-softmax along j of floating-point {@code in} viewed as (outer, n ≥ 1, inner): with m = maxⱼ xⱼ
     * (NaN counting as the largest), {@code out_j = (x_j − m) − log Σₖ exp(x_k − m)}, every step rounded to
     * the dtype exactly as {@code Softmax.logSoftmax} composed of {@link #reduce}, {@link #zip} and
     * {@link #map} rounds it (the sum in ascending k). One call instead of six: six kernel launches on a GPU.
     */
    void logSoftmax(Storage in, int outer, int n, int inner, Storage out);

    /**
     * The backward of {@link #logSoftmax}, laid out alike: {@code out_j = g_j − exp(logY_j) · Σₖ g_k}, each
     * step rounded to the dtype, the sum in ascending k.
     */
    void logSoftmaxBackward(Storage g, Storage logY, int outer, int n, int inner, Storage out);

    /**
     * {@code out (m×n) = A · B} where A is {@code a} (m×k), or its transpose when {@code transA} (a is
     * then stored k×m); likewise B is {@code b} (k×n) or, when {@code transB}, stored n×k. A {@code bias}
     * (n elements; null for none) is then added to every row, rounded once: out(i, j) = (A·B)(i, j) + bias(j).
     */
    void matmul(Storage a, boolean transA, Storage b, boolean transB, int m, int k, int n, Storage bias, Storage out);

    /**
     * With {@code in} viewed as (outer, n, inner) and int64 {@code index} as (outer, j, inner):
     * {@code out[o][q][i] = in[o][index[o][q][i]][i]}. Indices are already checked to lie in [0, n).
     */
    void gather(Storage in, int outer, int n, int inner, Storage index, int j, Storage out);

    /**
     * The adjoint of {@link #gather}: with {@code out} viewed as (outer, n, inner),
     * {@code out[o][index[o][q][i]][i] += src[o][q][i]}, summed in order of q.
     */
    void scatterAdd(Storage src, Storage index, int outer, int j, int inner, int n, Storage out);
}
