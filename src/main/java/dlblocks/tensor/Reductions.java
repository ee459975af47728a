package dlblocks.tensor;

import dlblocks.autograd.Function;

/** Sums, means and maxima along dimensions, with their derivatives. */
final class Reductions {
    private Reductions() {
    }

    /**
     * Σ of all elements (0-d); every input element gets the output's gradient. As in PyTorch, a sum of
     * bool or int32 elements is int64 (counting {@code True}s must not wrap or saturate).
     */
    static Tensor sum(Tensor a) {
        return Function.apply("SumBackward0",
                () -> reduceRaw(ReduceOp.SUM, summand(a).reshape(a.numel()), 0, false),
                g -> new Tensor[] {g.expand(a.shape())},
                a);
    }

    /** Σ along dim; bool and int32 elements sum to int64, as in {@link #sum(Tensor)}. */
    static Tensor sum(Tensor a, int dim, boolean keepdim) {
        int d = Shape.wrapDim(dim, a.dim());
        return Function.apply("SumBackward1",
                () -> reduceRaw(ReduceOp.SUM, summand(a), d, keepdim),
                g -> new Tensor[] {(keepdim || a.dim() == 0 ? g : g.unsqueeze(d)).expand(a.shape())},
                a);
    }

    /** The tensor whose elements a sum adds: integral and bool tensors are widened to int64 first. */
    private static Tensor summand(Tensor a) {
        return a.dtype().isFloatingPoint() ? a : a.to(DType.INT64);
    }

    /** The mean of all elements: Σ/n. */
    static Tensor mean(Tensor a) {
        requireFloating(a, "mean");
        int n = a.numel();
        return Function.apply("MeanBackward0",
                () -> reduceRaw(ReduceOp.SUM, a.reshape(n), 0, false).div(n),
                g -> new Tensor[] {g.div(n).expand(a.shape())},
                a);
    }

    /** The mean along dim. */
    static Tensor mean(Tensor a, int dim, boolean keepdim) {
        requireFloating(a, "mean");
        int d = Shape.wrapDim(dim, a.dim());
        int n = a.dim() == 0 ? 1 : a.size(d);
        return Function.apply("MeanBackward1",
                () -> reduceRaw(ReduceOp.SUM, a, d, keepdim).div(n),
                g -> new Tensor[] {(keepdim || a.dim() == 0 ? g : g.unsqueeze(d)).div(n).expand(a.shape())},
                a);
    }

    /** The largest value along dim; the gradient is shared evenly by the elements equal to it. */
    static Tensor amax(Tensor a, int dim, boolean keepdim) {
        int d = Shape.wrapDim(dim, a.dim());
        requireNonEmpty(a, d, "amax");
        return Function.apply("AmaxBackward0",
                () -> reduceRaw(ReduceOp.MAX, a, d, keepdim),
                g -> {
                    Tensor max = reduceRaw(ReduceOp.MAX, a.detach(), d, true);
                    Tensor isMax = a.detach().eq(max).to(a.dtype());
                    Tensor count = reduceRaw(ReduceOp.SUM, isMax, d, true);
                    return new Tensor[] {(keepdim || a.dim() == 0 ? g : g.unsqueeze(d)).mul(isMax).div(count)};
                },
                a);
    }

    /** Indices (int64) of the first largest value along dim. */
    static Tensor argmax(Tensor a, int dim) {
        int d = Shape.wrapDim(dim, a.dim());
        requireNonEmpty(a, d, "argmax");
        int[] shape = a.shape();
        int[] outShape = a.dim() == 0 ? new int[0] : Shape.remove(shape, d);
        Tensor out = Tensor.zeros(DType.INT64, a.device(), outShape);
        int n = a.dim() == 0 ? 1 : shape[d];
        a.backend().argmax(a.storage(), Shape.outer(shape, d), n, Shape.inner(shape, d), out.storage());
        return out;
    }

    /** Sums g over the dimensions in which a tensor of shape {@code target} was broadcast to g's shape. */
    static Tensor sumTo(Tensor g, int[] target) {
        if (java.util.Arrays.equals(g.shape(), target)) {
            return g;
        }
        Tensor t = g;
        while (t.dim() > target.length) {
            t = t.sum(0);
        }
        for (int d = 0; d < target.length; d++) {
            if (target[d] == 1 && t.size(d) != 1) {
                t = t.sum(d, true);
            }
        }
        return t.view(target);
    }

    /** One backend reduction along dimension d (already wrapped), no graph. */
    static Tensor reduceRaw(ReduceOp op, Tensor a, int d, boolean keepdim) {
        int[] shape = a.shape();
        if (shape.length == 0) {
            return a.clone();
        }
        int[] kept = Shape.with(shape, d, 1);
        Tensor out = Tensor.zeros(a.dtype(), a.device(), keepdim ? kept : Shape.remove(shape, d));
        a.backend().reduce(op, a.storage(), Shape.outer(shape, d), shape[d], Shape.inner(shape, d), out.storage());
        return out;
    }

    private static void requireFloating(Tensor a, String op) {
        if (!a.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + "(): could not infer output dtype. Input dtype must be either a "
                    + "floating point or complex dtype. Got: " + a.dtype().torchName());
        }
    }

    private static void requireNonEmpty(Tensor a, int d, String op) {
        if (a.dim() > 0 && a.size(d) == 0) {
            throw new IllegalArgumentException(op + "(): Expected reduction dim " + d
                    + " to have non-zero size (shape " + Shape.str(a.shape()) + ")");
        }
    }
}
