package dlblocks.affine;

import dlblocks.module.Module;
import dlblocks.module.Parameter;
import dlblocks.random.Generator;
import dlblocks.random.Init;
import dlblocks.tensor.Tensor;

/**
 * {@code nn.Linear(in_features, out_features)}: the affine map f(x) = Ax + b with learnable A (the
 * {@link #weight}, out × in) and b (the {@link #bias}, out), applied to each row of the input.
 *
 * <p>Initialised exactly as PyTorch initialises it, so the same seed gives the same numbers:
 * A ~ U(−1/√in, 1/√in) through {@code kaiming_uniform_(a=√5)}, then b ~ U(−1/√in, 1/√in); all weights
 * are drawn before any bias (torch-compat.md §6).
 */
public class Linear extends Module {
    /** A, of shape (out_features, in_features). */
    public final Parameter weight;
    /** b, of shape (out_features), or null when built without bias. */
    public final Parameter bias;
    private final int inFeatures;
    private final int outFeatures;

    /** {@code nn.Linear(in, out)}, drawing from the default generator. */
    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true, Generator.DEFAULT);
    }

    /** {@code nn.Linear(in, out, bias=bias)}. */
    public Linear(int inFeatures, int outFeatures, boolean bias) {
        this(inFeatures, outFeatures, bias, Generator.DEFAULT);
    }

    /** {@code nn.Linear(in, out, bias)} drawing its initial values from {@code generator}. */
    public Linear(int inFeatures, int outFeatures, boolean bias, Generator generator) {
        if (inFeatures < 0 || outFeatures < 0) {
            throw new IllegalArgumentException("Linear: sizes must not be negative, got in_features=" + inFeatures
                    + ", out_features=" + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        Init.LinearInit init = Init.linear(generator, inFeatures, outFeatures, bias);
        this.weight = new Parameter(Tensor.fromFloats(init.weight(), outFeatures, inFeatures));
        this.bias = bias ? new Parameter(Tensor.fromFloats(init.bias(), outFeatures)) : null;
    }

    /** {@code lin(x)}: x·Aᵀ + b, row by row. */
    public Tensor forward(Tensor x) {
        if (x.dim() > 0 && x.size(-1) != inFeatures) {
            throw new IllegalArgumentException("mat1 and mat2 shapes cannot be multiplied ("
                    + (x.dim() == 1 ? 1 : x.numel() / x.size(-1)) + "x" + x.size(-1) + " and " + inFeatures + "x"
                    + outFeatures + ")");
        }
        return Affine.linear(x, weight, bias);
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + (bias != null ? "True" : "False");
    }
}
