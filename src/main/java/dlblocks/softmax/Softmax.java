package dlblocks.softmax;

import dlblocks.autograd.Function;
import dlblocks.tensor.Devices;
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
        if (x.dim() > 0 && x.numel() > 0 && x.dtype().isFloatingPoint()) {
            // The same formulas, each one backend call (one kernel on a GPU instead of six and four), which
            // the backend computes with exactly the roundings of the composed operations below.
            return Function.apply("LogSoftmaxBackward0",
                    () -> logY[0] = logSoftmaxKernel(x, d),
                    g -> new Tensor[] {logSoftmaxBackwardKernel(g, logY[0], d)},
                    x);
        }
        return Function.apply("LogSoftmaxBackward0",
                () -> {
                    Tensor s = shifted(x, d);
                    return logY[0] = s.sub(s.exp().sum(d, true).log());
                },
                g -> new Tensor[] {g.sub(logY[0].exp().mul(g.sum(d, true)))},
                x);
    }

    /** The backend's log-softmax of x along d, x viewed as (outer, n, inner) around d. */
    private static Tensor logSoftmaxKernel(Tensor x, int d) {
        int[] shape = x.shape();
        Tensor out = Tensor.zeros(x.dtype(), x.device(), shape);
        x.backend().logSoftmax(x.storage(), Shape.outer(shape, d), shape[d], Shape.inner(shape, d), out.storage());
        return out;
    }

    /** The backend's g − exp(logY)·Σ g along d. */
    private static Tensor logSoftmaxBackwardKernel(Tensor g, Tensor logY, int d) {
        Devices.same(g, logY);
        int[] shape = logY.shape();
        Tensor out = Tensor.zeros(logY.dtype(), logY.device(), shape);
        logY.backend().logSoftmaxBackward(g.to(logY.dtype()).storage(), logY.storage(), Shape.outer(shape, d),
                shape[d], Shape.inner(shape, d), out.storage());
        return out;
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
