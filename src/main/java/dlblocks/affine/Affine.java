package dlblocks.affine;

import dlblocks.tensor.LinearAlgebra;
import dlblocks.tensor.Shape;
import dlblocks.tensor.Tensor;

/**
 * The affine map of the tutorial's first section, {@code F.linear}: f(x) = Ax + b, applied — as PyTorch
 * does — to each <em>row</em> of the input: the i'th row of the output is A·xᵢ + b, that is
 * {@code y = x·Aᵀ + b} for a batch x of shape (N, in), weight A of shape (out, in) and bias b of shape (out).
 */
public final class Affine {
    private Affine() {
    }

    /**
     * {@code F.linear(x, weight, bias)}; bias may be null. x may be a single row (in), a batch (N, in) or
     * have more leading dimensions (…, in). Gradients, with y = x·Aᵀ + b and g = ∂L/∂y:
     * ∂L/∂x = g·A, ∂L/∂A = gᵀ·x, ∂L/∂b = Σᵢ gᵢ (the sum over rows).
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (weight.dim() != 2) {
            throw new IllegalArgumentException("linear: weight must be 2-D (out_features x in_features), got shape "
                    + Shape.str(weight.shape()));
        }
        if (bias != null && (bias.dim() != 1 || bias.size(0) != weight.size(0))) {
            throw new IllegalArgumentException("linear: bias of shape " + Shape.str(bias.shape())
                    + " does not match weight of shape " + Shape.str(weight.shape()));
        }
        if (bias != null && bias.dtype() != weight.dtype()) {
            throw new IllegalArgumentException("linear: bias has dtype " + bias.dtype().torchName() + " but weight has "
                    + weight.dtype().torchName() + "; they must be the same");
        }
        if (x.dim() == 0) {
            throw new IllegalArgumentException("linear: input must have at least 1 dimension, got a 0-d tensor");
        }
        if (x.dim() == 2) {
            // PyTorch's addmm (grad_fn AddmmBackward0): the bias is added after the whole dot product
            return bias == null ? LinearAlgebra.mm(x, false, weight, true)
                    : LinearAlgebra.addmm(bias, x, false, weight, true);
        }
        int[] outShape = x.shape();
        outShape[outShape.length - 1] = weight.size(0);
        Tensor rows = x.reshape(-1, x.size(-1));
        if (x.dim() == 1 && bias != null) {
            // PyTorch multiplies a single row (matmul) and then adds the bias: grad_fn AddBackward0
            return LinearAlgebra.mm(rows, false, weight, true).view(outShape).add(bias);
        }
        Tensor y = bias == null ? LinearAlgebra.mm(rows, false, weight, true)
                : LinearAlgebra.addmm(bias, rows, false, weight, true);
        return y.view(outShape); // PyTorch folds leading dimensions into one batch: grad_fn ViewBackward0
    }
}
