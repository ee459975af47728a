package dlblocks.tensor;

import dlblocks.autograd.Function;

/** Reshaping, transposing, selecting and broadcasting, with their derivatives. */
final class Views {
    private Views() {
    }

    /** The same storage seen with a new shape; the gradient is reshaped back. */
    static Tensor view(Tensor a, int[] requested) {
        return view(a, requested, "ViewBackward0");
    }

    /** The same, recorded under PyTorch's name for the operation that asked for it (e.g. UnsqueezeBackward0). */
    static Tensor view(Tensor a, int[] requested, String name) {
        int[] shape = Shape.infer(requested, a.numel(), a.shape());
        return Function.apply(name,
                () -> Tensor.wrap(a.storage(), shape),
                g -> new Tensor[] {g.reshape(a.shape())},
                a);
    }

    /** Swaps two dimensions (a copy); the gradient is swapped back. */
    static Tensor transpose(Tensor a, int dim0, int dim1) {
        return transpose(a, dim0, dim1, "TransposeBackward0");
    }

    /** The same, recorded under PyTorch's name for the operation that asked for it ({@code t()}: TBackward0). */
    static Tensor transpose(Tensor a, int dim0, int dim1, String name) {
        int d0 = Shape.wrapDim(dim0, a.dim());
        int d1 = Shape.wrapDim(dim1, a.dim());
        return Function.apply(name,
                () -> {
                    int[] shape = a.shape();
                    int[] strides = Shape.strides(shape);
                    swap(shape, d0, d1);
                    swap(strides, d0, d1);
                    Tensor out = Tensor.zeros(a.dtype(), a.device(), shape);
                    a.backend().strided(a.storage(), 0, strides, shape, out.storage());
                    return out;
                },
                g -> new Tensor[] {g.transpose(d0, d1)},
                a);
    }

    /** {@code a.select(dim, i)}: the slice at index i of dim; its gradient lands back in that slice. */
    static Tensor select(Tensor a, int dim, int index) {
        if (a.dim() == 0) {
            throw new IndexOutOfBoundsException("select() cannot be applied to a 0-dim tensor.");
        }
        int d = Shape.wrapDim(dim, a.dim());
        int size = a.size(d);
        if (index < -size || index >= size) {
            throw new IndexOutOfBoundsException("select(): index " + index + " out of range for tensor of size "
                    + Shape.str(a.shape()) + " at dimension " + d);
        }
        int i = index < 0 ? index + size : index;
        int[] strides = Shape.strides(a.shape());
        return Function.apply("SelectBackward0",
                () -> {
                    Tensor out = Tensor.zeros(a.dtype(), a.device(), Shape.remove(a.shape(), d));
                    a.backend().strided(a.storage(), i * strides[d], Shape.remove(strides, d), out.shape(),
                            out.storage());
                    return out;
                },
                g -> {
                    int[] shape = a.shape();
                    long[] rows = new long[Shape.outer(shape, d) * Shape.inner(shape, d)];
                    java.util.Arrays.fill(rows, i);
                    Tensor index1 = Tensor.fromLongs(DType.INT64, rows, Shape.with(shape, d, 1)).to(a.device());
                    return new Tensor[] {Indexing.scatterAdd(shape, d, index1, g.unsqueeze(d))};
                },
                a);
    }

    /** Broadcasts a to {@code shape} (a copy here); the gradient is summed back. */
    static Tensor expand(Tensor a, int[] sizes) {
        int[] from = a.shape();
        if (sizes.length < from.length) {
            throw new IllegalArgumentException("expand: the number of sizes provided (" + sizes.length + ") must be "
                    + "greater or equal to the number of dimensions in the tensor (" + from.length + ")");
        }
        int[] shape = keepingMinusOnes(sizes, from);
        for (int k = 1; k <= from.length; k++) {
            int have = from[from.length - k];
            int want = shape[shape.length - k];
            if (have != want && have != 1) {
                throw new IllegalArgumentException("The expanded size of the tensor (" + want + ") must match the "
                        + "existing size (" + have + ") at non-singleton dimension " + (shape.length - k)
                        + ".  Target sizes: " + Shape.str(shape) + ".  Tensor sizes: " + Shape.str(from));
            }
        }
        if (java.util.Arrays.equals(a.shape(), shape)) {
            return a;
        }
        return Function.apply("ExpandBackward0",
                () -> {
                    Tensor out = Tensor.zeros(a.dtype(), a.device(), shape);
                    a.backend().strided(a.storage(), 0, Shape.broadcastStrides(a.shape(), shape), shape, out.storage());
                    return out;
                },
                g -> new Tensor[] {g.sumTo(a.shape())},
                a);
    }

    /** The sizes with each -1 replaced by the tensor's own size there, as {@code expand(-1, 3)} means. */
    private static int[] keepingMinusOnes(int[] sizes, int[] from) {
        int[] shape = sizes.clone();
        int leading = sizes.length - from.length;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == -1 && d < leading) {
                throw new IllegalArgumentException("The expanded size of the tensor (-1) isn't allowed in a leading, "
                        + "non-existing dimension " + d);
            }
            if (shape[d] == -1) {
                shape[d] = from[d - leading];
            } else if (shape[d] < 0) {
                throw new IllegalArgumentException("expand: size " + shape[d] + " at dimension " + d + " of "
                        + Shape.str(sizes) + " is negative; only -1 (keep this dimension's size) is allowed");
            }
        }
        return shape;
    }

    private static void swap(int[] xs, int i, int j) {
        int t = xs[i];
        xs[i] = xs[j];
        xs[j] = t;
    }
}
