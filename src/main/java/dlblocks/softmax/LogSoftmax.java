package dlblocks.softmax;

import dlblocks.module.Module;
import dlblocks.tensor.Tensor;

/** {@code nn.LogSoftmax(dim)}: the module form of {@link Softmax#logSoftmax}. */
public class LogSoftmax extends Module {
    private final int dim;

    public LogSoftmax(int dim) {
        this.dim = dim;
    }

    public Tensor forward(Tensor x) {
        return Softmax.logSoftmax(x, dim);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }
}
