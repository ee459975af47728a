package dlblocks.autograd;

import dlblocks.tensor.DType;
import dlblocks.tensor.Shape;
import dlblocks.tensor.Tensor;
import java.util.function.Function;

/**
 * Checks a function's gradients against finite differences, like {@code torch.autograd.gradcheck}:
 * each entry of the Jacobian from backward must agree with the central difference
 * (f(x + ε) − f(x − ε)) / 2ε, within |analytic − numeric| ≤ atol + rtol·|numeric|.
 *
 * <pre>{@code
 * Tensor x = Tensor.randnDouble(g, 3, 4).requiresGrad_(true);
 * GradCheck.check(in -> Nonlinear.tanh(in[0]).sum(), x);   // throws, naming the entry, if wrong
 * }</pre>
 *
 * Inputs must be float64 leaves that require grad: in float32, ε = 1e-6 would be lost to rounding.
 * Keep inputs away from kinks (relu at 0) — there the two sides of the difference disagree by design.
 */
public final class GradCheck {
    /** torch.autograd.gradcheck's defaults. */
    public static final double EPS = 1e-6;
    public static final double ATOL = 1e-5;
    public static final double RTOL = 1e-3;

    private GradCheck() {
    }

    /** A Jacobian entry that disagrees: which input element, which output element, and both values. */
    public static final class GradCheckError extends AssertionError {
        GradCheckError(String message) {
            super(message);
        }
    }

    /** Checks with the default tolerances; returns normally when every entry agrees. */
    public static void check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        check(f, EPS, ATOL, RTOL, inputs);
    }

    /**
     * Checks every entry ∂fⱼ/∂xᵢ. For each output element j, backward with the one-hot gradient eⱼ gives
     * row j of the analytic Jacobian; each input element is nudged by ±ε for the numeric one.
     */
    public static void check(Function<Tensor[], Tensor> f, double eps, double atol, double rtol, Tensor... inputs) {
        for (int k = 0; k < inputs.length; k++) {
            Tensor x = inputs[k];
            if (x.dtype() != DType.FLOAT64 || !x.requiresGrad() || !x.isLeaf()) {
                throw new IllegalArgumentException("gradcheck input " + k + " must be a float64 leaf that requires "
                        + "grad (got " + x.dtype().torchName() + ", requires_grad=" + x.requiresGrad() + ")");
            }
        }
        Tensor y = f.apply(inputs);
        int outputs = y.numel();
        double[][][] analytic = analytic(f, inputs, outputs);
        for (int k = 0; k < inputs.length; k++) {
            Tensor x = inputs[k];
            for (int i = 0; i < x.numel(); i++) {
                double[] numeric = numericColumn(f, inputs, x, i, eps);
                for (int j = 0; j < outputs; j++) {
                    double a = analytic[k][j][i];
                    double n = numeric[j];
                    if (!(Math.abs(a - n) <= atol + rtol * Math.abs(n))) {
                        throw new GradCheckError("Jacobian mismatch for output " + j + " with respect to input " + k
                                + " (shape " + Shape.str(x.shape()) + "), element " + i + ": analytic " + a
                                + ", numeric " + n + " (atol " + atol + ", rtol " + rtol + ")");
                    }
                }
            }
        }
    }

    /** analytic[k][j][i] = ∂fⱼ/∂(input k)ᵢ, from one backward pass per output element. */
    private static double[][][] analytic(Function<Tensor[], Tensor> f, Tensor[] inputs, int outputs) {
        double[][][] jacobian = new double[inputs.length][outputs][];
        for (int j = 0; j < outputs; j++) {
            for (Tensor x : inputs) {
                x.setGrad(null);
            }
            Tensor y = f.apply(inputs);
            if (!y.requiresGrad()) {
                throw new IllegalArgumentException("gradcheck: the function's output does not require grad");
            }
            Tensor seed = Tensor.zeros(y.dtype(), y.device(), y.shape()).put_(j, 1);
            y.backward(seed);
            for (int k = 0; k < inputs.length; k++) {
                Tensor g = inputs[k].grad();
                jacobian[k][j] = g == null ? new double[inputs[k].numel()] : g.toDoubleArray();
            }
        }
        for (Tensor x : inputs) {
            x.setGrad(null);
        }
        return jacobian;
    }

    /** (f(x + ε·eᵢ) − f(x − ε·eᵢ)) / 2ε for every output element. */
    private static double[] numericColumn(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor x, int i, double eps) {
        try (NoGrad scope = new NoGrad()) {
            double original = x.toDoubleArray()[i];
            x.put_(i, original + eps);
            double[] plus = f.apply(inputs).toDoubleArray();
            x.put_(i, original - eps);
            double[] minus = f.apply(inputs).toDoubleArray();
            x.put_(i, original);
            double[] column = new double[plus.length];
            for (int j = 0; j < column.length; j++) {
                column[j] = (plus[j] - minus[j]) / (2 * eps);
            }
            return column;
        }
    }
}
