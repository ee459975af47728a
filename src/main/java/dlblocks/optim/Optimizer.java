package dlblocks.optim;

import dlblocks.autograd.NoGrad;
import dlblocks.tensor.MemoryScope;
import dlblocks.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The twin of {@code torch.optim.Optimizer}: holds the parameters θ and, on {@link #step()}, updates
 * each one from its gradient — for plain SGD, θ ← θ − η·∇θL. Subclasses give the update rule for one
 * parameter; state (momentum buffers, running averages) is kept per parameter in the subclass.
 */
public abstract class Optimizer {
    protected final List<Tensor> params;

    protected Optimizer(Iterable<? extends Tensor> parameters) {
        List<Tensor> list = new ArrayList<>();
        for (Tensor p : parameters) {
            if (!p.isLeaf()) {
                throw new IllegalArgumentException("can't optimize a non-leaf Tensor");
            }
            list.add(p);
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("optimizer got an empty parameter list");
        }
        this.params = Collections.unmodifiableList(list);
    }

    /** The parameters this optimiser updates. */
    public List<Tensor> parameters() {
        return params;
    }

    /** {@code optimizer.zero_grad()}: sets every gradient to null (PyTorch 2's {@code set_to_none=True}). */
    public void zeroGrad() {
        zeroGrad(true);
    }

    /** {@code optimizer.zero_grad(set_to_none)}. */
    public void zeroGrad(boolean setToNone) {
        try (NoGrad scope = new NoGrad()) {
            for (Tensor p : params) {
                if (p.grad() == null) continue;
                if (setToNone) {
                    // The gradient's device memory is freed now (a no-op on the CPU), not at some later GC.
                    p.grad().storage().release();
                    p.setGrad(null);
                } else {
                    p.grad().zero_();
                }
            }
        }
    }

    /** {@code optimizer.step()}: one update of every parameter that has a gradient. */
    public void step() {
        try (NoGrad scope = new NoGrad()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i);
                if (p.grad() != null) {
                    update(i, p, p.grad());
                }
            }
        }
    }

    /** A new tensor of optimiser state (zeros like {@code param}) that lives as long as the optimiser. */
    protected static Tensor state(Tensor param) {
        Tensor t = Tensor.zerosLike(param);
        MemoryScope.persist(t.storage());
        return t;
    }

    /** Updates parameter {@code i} in place from its gradient; runs with gradients off. */
    protected abstract void update(int i, Tensor param, Tensor grad);

    /** torch.optim's checks: a number that must not be negative. */
    static void nonNegative(String name, double value) {
        if (!(value >= 0)) {
            throw new IllegalArgumentException("Invalid " + name + ": " + value);
        }
    }

    /** A number that must lie in [0, 1). */
    static void unitInterval(String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException("Invalid " + name + ": " + value + " (must be in [0, 1))");
        }
    }
}
