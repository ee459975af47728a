package dlblocks.tensor;

/**
 * The elementwise functions a backend must provide, each given by its formula in double precision.
 * The CPU reference evaluates {@link #apply} and rounds once to the tensor's dtype; the CUDA backend
 * has one kernel per constant. {@code s} is the scalar argument of the ops that take one.
 */
public enum UnaryOp {
    NEG { public double apply(double x, double s) { return -x; } },
    ABS { public double apply(double x, double s) { return Math.abs(x); } },
    EXP { public double apply(double x, double s) { return StrictMath.exp(x); } },
    LOG { public double apply(double x, double s) { return StrictMath.log(x); } },
    SQRT { public double apply(double x, double s) { return Math.sqrt(x); } },
    /** tanh(x). */
    TANH { public double apply(double x, double s) { return StrictMath.tanh(x); } },
    /** σ(x) = 1 / (1 + e^(−x)), written so that neither branch overflows. */
    SIGMOID {
        public double apply(double x, double s) {
            if (x >= 0) {
                return 1 / (1 + StrictMath.exp(-x));
            }
            double e = StrictMath.exp(x);
            return e / (1 + e);
        }
    },
    /** ReLU(x) = max(0, x); NaN stays NaN and relu(−0) is −0, as in PyTorch. */
    RELU { public double apply(double x, double s) { return x < 0 ? 0 : x; } },
    /**
     * The derivative of ReLU: 0 where x ≤ 0, else 1 (PyTorch takes 0 at the kink). NaN gives 1: PyTorch's
     * {@code threshold_backward} zeroes the gradient only where x ≤ 0, so it passes through a NaN.
     */
    STEP { public double apply(double x, double s) { return x <= 0 ? 0 : 1; } },
    ADD_SCALAR { public double apply(double x, double s) { return x + s; } },
    MUL_SCALAR { public double apply(double x, double s) { return x * s; } },
    /** x^s. */
    POW_SCALAR { public double apply(double x, double s) { return StrictMath.pow(x, s); } },
    /** s / x. */
    SCALAR_DIV { public double apply(double x, double s) { return s / x; } },
    /** x / s: a division by a number, one launch on a GPU (a tensor holding s would need a fill first). */
    DIV_SCALAR { public double apply(double x, double s) { return x / s; } },
    FILL { public double apply(double x, double s) { return s; } };

    /** The formula, evaluated in double precision. */
    public abstract double apply(double x, double s);
}
