package dlblocks.autograd;

import dlblocks.tensor.Tensor;
import java.util.function.Supplier;

/**
 * The twin of {@code torch.autograd.Function}: an operation given by its forward computation and its
 * backward formula. Every differentiable operation in dlblocks is written this way, e.g. ReLU:
 *
 * <pre>{@code
 * return Function.apply("ReluBackward0",
 *         () -> x.map(UnaryOp.RELU),               // forward: relu(x) = max(0, x)
 *         g -> new Tensor[] {g.mul(x.step())},     // backward: ∂L/∂x = ∂L/∂y · [x > 0]
 *         x);
 * }</pre>
 */
public final class Function {
    private Function() {
    }

    /**
     * Runs {@code forward} without recording, then, when grad mode is on and some input requires grad,
     * attaches a {@link Node} named {@code name} so that backward can call {@code backward}.
     */
    public static Tensor apply(String name, Supplier<Tensor> forward, Node.Backward backward, Tensor... inputs) {
        Tensor out;
        try (NoGrad scope = new NoGrad()) {
            out = forward.get();
        }
        if (!GradMode.isEnabled() || !out.dtype().isFloatingPoint()) {
            return out; // integer and bool results never require grad, as in PyTorch
        }
        for (Tensor input : inputs) {
            if (input != null && input.requiresGrad()) {
                out.attachGradFn(new Node(name, inputs, backward));
                return out;
            }
        }
        return out;
    }
}
