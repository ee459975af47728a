package dlblocks.nonlinear;

import dlblocks.autograd.Function;
import dlblocks.tensor.BinaryOp;
import dlblocks.tensor.Tensor;
import dlblocks.tensor.UnaryOp;

/**
 * The tutorial's core non-linearities, {@code F.relu}, {@code torch.tanh} and {@code torch.sigmoid}.
 * Between two affine maps they are what makes a network more than one affine map. Each has a
 * derivative that is cheap to compute — the reason these three are the common ones.
 */
public final class Nonlinear {
    private Nonlinear() {
    }

    /**
     * ReLU(x) = max(0, x); ReLU'(x) = 1 for x &gt; 0, else 0 (0 at the kink, as PyTorch takes it). The
     * gradient is PyTorch's threshold_backward: g where x &gt; 0 and +0 elsewhere — a selection, not g·0,
     * which would give −0 for a negative g and NaN for an infinite one.
     */
    public static Tensor relu(Tensor x) {
        return Function.apply("ReluBackward0",
                () -> x.map(UnaryOp.RELU),
                g -> new Tensor[] {g.zip(BinaryOp.THRESHOLD_BACKWARD, x.detach(), 0)},
                x);
    }

    /** tanh(x) = (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ); tanh'(x) = 1 − tanh²(x). */
    public static Tensor tanh(Tensor x) {
        Tensor[] y = new Tensor[1];
        return Function.apply("TanhBackward0",
                () -> y[0] = x.map(UnaryOp.TANH),
                g -> new Tensor[] {g.mul(y[0].mul(y[0]).neg().add(1))},
                x);
    }

    /**
     * σ(x) = 1/(1 + e⁻ˣ); σ'(x) = σ(x)(1 − σ(x)) ≤ 1/4, and it vanishes quickly as |x| grows — the
     * tutorial's reason people prefer tanh or ReLU.
     */
    public static Tensor sigmoid(Tensor x) {
        Tensor[] y = new Tensor[1];
        return Function.apply("SigmoidBackward0",
                () -> y[0] = x.map(UnaryOp.SIGMOID),
                g -> new Tensor[] {g.mul(y[0].mul(y[0].neg().add(1)))},
                x);
    }
}
