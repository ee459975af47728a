package dlblocks.softmax;

import dlblocks.autograd.Function;
import dlblocks.tensor.Shape;
import dlblocks.tensor.Tensor;

/**
 * {@code F.softmax} and {@code F.log_softmax}: turn a vector of real numbers into a probability
 * distribution, Softmax(x)ᵢ = exp(xᵢ) / Σⱼ exp(xⱼ), along one dimension of a tensor.
 *
 * <p>Both subtract the largest element m first: exp(xᵢ − m) / Σⱼ exp(xⱼ − m) is the same number, but no
 * exp overflows, so inputs of ±1e4 stay finite. A row that is all −∞, or holds +∞ or NaN, gives NaN, as
 * in PyTorch.
 */
public final class Softmax {
    private Softmax() {
    }

    /**
     * Softmax along {@code dim}: non-negative, summing to 1. With y = softmax(x) and g = ∂L/∂y:
     * ∂L/∂xᵢ = yᵢ·(gᵢ − Σⱼ gⱼyⱼ).
     */
    public static Tensor softmax(Tensor x, int dim) {
        int d = Shape.wrapDim(dim, x.dim());
        Tensor[] y = new Tensor[1];
        return Function.apply("SoftmaxBackward0",
                () -> {
                    Tensor e = shifted(x, d).exp();
                    return y[0] = e.div(e.sum(d, true));
                },
                g -> new Tensor[] {y[0].mul(g.sub(g.mul(y[0]).sum(d, true)))},
                x);
    }

    /**
     * log Softmax along {@code dim}: log yᵢ = (xᵢ − m) − log Σⱼ exp(xⱼ − m). With g = ∂L/∂(log y):
     * ∂L/∂xᵢ = gᵢ − exp(log yᵢ)·Σⱼ gⱼ.
     */
    public static Tensor logSoftmax(Tensor x, int dim) {
        int d = Shape.wrapDim(dim, x.dim());
        Tensor[] logY = new Tensor[1];
        return Function.apply("LogSoftmaxBackward0",
                () -> {
                    Tensor s = shifted(x, d);
                    return logY[0] = s.sub(s.exp().sum(d, true).log());
                },
                g -> new Tensor[] {g.sub(logY[0].exp().mul(g.sum(d, true)))},
                x);
    }

    /** x − max along d (the max kept as a size-1 dimension so it broadcasts). */
    private static Tensor shifted(Tensor x, int d) {
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("softmax: expected a floating point tensor, got "
                    + x.dtype().torchName());
        }
        if (x.dim() == 0) {
            return x.sub(x);
        }
        return x.sub(x.amax(d, true));
    }
}
