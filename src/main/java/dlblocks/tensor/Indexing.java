package dlblocks.tensor;

import dlblocks.autograd.Function;

/** Gathering elements by index, and its adjoint, scattering with addition. */
public final class Indexing {
    private Indexing() {
    }

    /**
     * {@code torch.gather(a, dim, index)}: out[..., q, ...] = a[..., index[..., q, ...], ...] along dim.
     * {@code index} is int64 with a's shape except along dim. Its gradient scatters back with addition.
     */
    public static Tensor gather(Tensor a, int dim, Tensor index) {
        return gather(a, dim, index, true);
    }

    /**
     * {@link #gather} for an index whose values the caller made itself and knows to lie in range (as
     * NLLLoss knows of the indices it builds from the targets it checked): dtype and shape are still
     * checked, the values are not. On a GPU that check copies the index back to the host and waits for
     * the GPU; skipping it saves that wait. An out-of-range value here is a bug in the caller.
     */
    public static Tensor gatherKnownInRange(Tensor a, int dim, Tensor index) {
        return gather(a, dim, index, false);
    }

    private static Tensor gather(Tensor a, int dim, Tensor index, boolean checkValues) {
        int d = Shape.wrapDim(dim, a.dim());
        Arithmetic.sameDevice(a, index);
        checkIndex(a.shape(), d, index, "gather", checkValues);
        int[] shape = a.shape();
        return Function.apply("GatherBackward0",
                () -> {
                    Tensor out = Tensor.zeros(a.dtype(), a.device(), index.shape());
                    a.backend().gather(a.storage(), Shape.outer(shape, d), shape.length == 0 ? 1 : shape[d],
                            Shape.inner(shape, d), index.storage(), index.dim() == 0 ? 1 : index.size(d),
                            out.storage());
                    return out;
                },
                g -> new Tensor[] {scatterAdd(shape, d, index, g, checkValues), null},
                a, index);
    }

    /**
     * Zeros of {@code shape} with {@code src} added at the positions {@code index} names along dim:
     * out[..., index[..., q, ...], ...] += src[..., q, ...]. The adjoint of {@link #gather}; records no graph.
     */
    public static Tensor scatterAdd(int[] shape, int dim, Tensor index, Tensor src) {
        return scatterAdd(shape, dim, index, src, true);
    }

    /** {@link #scatterAdd} for an index known to lie in range, as for {@link #gatherKnownInRange}. */
    public static Tensor scatterAddKnownInRange(int[] shape, int dim, Tensor index, Tensor src) {
        return scatterAdd(shape, dim, index, src, false);
    }

    private static Tensor scatterAdd(int[] shape, int dim, Tensor index, Tensor src, boolean checkValues) {
        int d = Shape.wrapDim(dim, shape.length);
        Arithmetic.sameDevice(src, index);
        checkIndex(shape, d, index, "scatter_add", checkValues);
        Tensor out = Tensor.zeros(src.dtype(), src.device(), shape);
        out.backend().scatterAdd(src.storage(), index.storage(), Shape.outer(shape, d),
                index.dim() == 0 ? 1 : index.size(d), Shape.inner(shape, d), shape.length == 0 ? 1 : shape[d],
                out.storage());
        return out;
    }

    /** Checks index's dtype, shape and (if asked) values, naming the first bad one as PyTorch does. */
    private static void checkIndex(int[] shape, int d, Tensor index, String op, boolean values) {
        if (index.dtype() != DType.INT64) {
            throw new IllegalArgumentException(op + "(): Expected dtype int64 for index, got "
                    + index.dtype().torchName());
        }
        int[] is = index.shape();
        boolean fits = is.length == shape.length;
        for (int k = 0; fits && k < is.length; k++) {
            fits = k == d || is[k] == shape[k];
        }
        if (!fits) {
            throw new IllegalArgumentException(op + "(): index of shape " + Shape.str(is) + " does not fit a tensor of "
                    + "shape " + Shape.str(shape) + " along dimension " + d);
        }
        if (!values) {
            return;
        }
        int size = shape.length == 0 ? 1 : shape[d];
        for (long v : index.toLongArray()) {
            if (v < 0 || v >= size) {
                throw new IndexOutOfBoundsException("index " + v + " is out of bounds for dimension " + d
                        + " with size " + size);
            }
        }
    }
}
