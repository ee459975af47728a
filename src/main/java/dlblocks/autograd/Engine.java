package dlblocks.autograd;

import dlblocks.tensor.Shape;
import dlblocks.tensor.Storage;
import dlblocks.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation: {@code loss.backward()}. Visits the graph from the output back to the
 * leaves, each node after every node that uses its output (a topological order), so each tensor's
 * gradient is complete — the sum over all its uses — before it is passed further back. Leaves that
 * require grad add the result into {@code .grad}: gradients accumulate until they are zeroed.
 */
public final class Engine {
    private Engine() {
    }

    /**
     * Backpropagates from {@code root}. {@code gradient} is ∂L/∂root (null means 1 for a one-element
     * root). Unless {@code retainGraph}, the graph is freed on the way.
     */
    public static void backward(Tensor root, Tensor gradient, boolean retainGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("element 0 of tensors does not require grad and does not have a grad_fn");
        }
        if (gradient == null) {
            if (root.numel() != 1) {
                throw new IllegalStateException("grad can be implicitly created only for scalar outputs (output has shape "
                        + Shape.str(root.shape()) + ")");
            }
            gradient = Tensor.onesLike(root);
        } else if (!java.util.Arrays.equals(gradient.shape(), root.shape())) {
            throw new IllegalArgumentException("Mismatch in shape: grad_output[0] has a shape of torch.Size("
                    + Shape.str(gradient.shape()) + ") and output[0] has a shape of torch.Size("
                    + Shape.str(root.shape()) + ").");
        }
        Map<Tensor, Tensor> pending = new IdentityHashMap<>();
        pending.put(root, gradient.detach());
        // A backward formula may return a tensor someone else holds (the caller's gradient, a constant it
        // captured, a view of another gradient), so a leaf's gradient is copied unless its storage is new:
        // made by this pass (a formula's result, or the sum of several uses' gradients) after the formula
        // began. No one else holds such a storage, so the leaf takes it as it is, as PyTorch's AccumulateGrad
        // takes a gradient no one else refers to. Only the first leaf to receive a new storage takes it: one
        // formula may hand one result to two inputs (AddBackward0 does).
        Set<Storage> made = Collections.newSetFromMap(new IdentityHashMap<>());
        try (NoGrad scope = new NoGrad()) {
            for (Tensor t : topologicalOrder(root)) {
                Tensor grad = pending.remove(t);
                if (grad == null) {
                    continue;
                }
                Node node = t.gradFn();
                if (node == null) {
                    t.accumulateGrad(made.remove(grad.storage()) ? grad : grad.clone());
                    continue;
                }
                long before = Storage.lastSerial();
                Tensor[] inputGrads = node.apply(grad);
                Tensor[] inputs = node.inputArray();
                for (int k = 0; k < inputs.length; k++) {
                    if (inputs[k] != null && inputs[k].requiresGrad() && inputGrads[k] != null) {
                        if (inputGrads[k].storage().serial() > before) {
                            made.add(inputGrads[k].storage());
                        }
                        pending.merge(inputs[k], inputGrads[k], (a, b) -> {
                            Tensor sum = a.add(b);
                            made.add(sum.storage());
                            return sum;
                        });
                    }
                }
                if (!retainGraph) {
                    node.release();
                }
            }
        }
    }

    /** Tensors that require grad, reachable from root, each before all of its inputs. */
    static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> postOrder = new ArrayList<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        // An explicit stack instead of recursion, so long chains cannot overflow the Java stack.
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        seen.add(root);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            Tensor[] inputs = t.gradFn() == null ? new Tensor[0] : t.gradFn().inputArray();
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor in = inputs[next];
                if (in != null && in.requiresGrad() && seen.add(in)) {
                    stack.push(new Object[] {in, 0});
                }
            } else {
                stack.pop();
                postOrder.add(t);
            }
        }
        Collections.reverse(postOrder);
        return postOrder;
    }
}
