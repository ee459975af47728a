package dlblocks.nonlinear;

import dlblocks.module.Module;
import dlblocks.tensor.Tensor;

/** {@code nn.Tanh()}: the module form of {@link Nonlinear#tanh}; it has no parameters. */
public class Tanh extends Module {
    public Tensor forward(Tensor x) {
        return Nonlinear.tanh(x);
    }
}
