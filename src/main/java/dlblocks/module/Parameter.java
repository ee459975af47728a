package dlblocks.module;

import dlblocks.tensor.Tensor;

/**
 * The twin of {@code nn.Parameter}: a leaf tensor that requires grad and that a {@link Module} finds in
 * its fields and reports from {@link Module#parameters()}. It prints as PyTorch prints a parameter:
 * {@code Parameter containing:} and then the tensor.
 */
public class Parameter extends Tensor {
    /** A parameter over {@code data}'s storage (shared, not copied), requiring grad. */
    public Parameter(Tensor data) {
        super(data.storage(), data.shape());
        requiresGrad_(true);
    }

    @Override
    public String toString(boolean showDevice) {
        return "Parameter containing:\n" + super.toString(showDevice);
    }
}
