package dlblocks.autograd;

import dlblocks.tensor.Tensor;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One recorded operation of the graph: the twin of a tensor's {@code grad_fn}. It knows the tensors the
 * operation consumed and how to turn the gradient of its output into gradients of those inputs (the
 * chain rule, one local step).
 */
public final class Node {
    /** How an operation maps ∂L/∂output to ∂L/∂input for each input (null where no gradient is needed). */
    @FunctionalInterface
    public interface Backward {
        Tensor[] apply(Tensor gradOutput);
    }

    private final String name;
    private final Tensor[] inputs;
    private Backward backward;

    Node(String name, Tensor[] inputs, Backward backward) {
        this.name = name;
        this.inputs = inputs;
        this.backward = backward;
    }

    /** PyTorch's name for this node, e.g. {@code AddmmBackward0}. */
    public String name() {
        return name;
    }

    /** The tensors the operation consumed, in argument order (entries may be null). */
    public List<Tensor> inputs() {
        return Collections.unmodifiableList(Arrays.asList(inputs));
    }

    Tensor[] inputArray() {
        return inputs;
    }

    /** Applies the local chain rule; fails if the graph was already freed by a backward pass. */
    Tensor[] apply(Tensor gradOutput) {
        if (backward == null) {
            throw new IllegalStateException("Trying to backward through the graph a second time (or directly access "
                    + "saved tensors after they have already been freed). Saved intermediate values of the graph are "
                    + "freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
                    + "backward through the graph a second time or if you need to access saved tensors after calling "
                    + "backward.");
        }
        return backward.apply(gradOutput);
    }

    /** Drops what the backward step holds (its saved tensors), as PyTorch does after backward. */
    void release() {
        backward = null;
    }

    @Override
    public String toString() {
        return "<" + name + ">";
    }
}
