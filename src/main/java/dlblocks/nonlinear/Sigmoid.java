package dlblocks.nonlinear;

import dlblocks.module.Module;
import dlblocks.tensor.Tensor;

/** {@code nn.Sigmoid()}: the module form of {@link Nonlinear#sigmoid}; it has no parameters. */
public class Sigmoid extends Module {
    public Tensor forward(Tensor x) {
        return Nonlinear.sigmoid(x);
    }
}
