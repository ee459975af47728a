package dlblocks.nonlinear;

import dlblocks.module.Module;
import dlblocks.tensor.Tensor;

/** {@code nn.ReLU()}: the module form of {@link Nonlinear#relu}; it has no parameters. */
public class ReLU extends Module {
    public Tensor forward(Tensor x) {
        return Nonlinear.relu(x);
    }
}
