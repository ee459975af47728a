package dlblocks.tensor;

/**
 * The elementwise functions of two tensors a backend must provide (with broadcasting), each given by its
 * formula in double precision; the CPU reference rounds the result once to the output dtype. {@code s}
 * is the scalar of the ops that take one: {@code add(other, alpha)} is {@code a + alpha·b} in one
 * fused step, as PyTorch's vectorised CPU kernel computes it ({@code vec::fmadd}).
 */
public enum BinaryOp {
    /** a + s·b, fused (s = 1 for plain addition). */
    ADD { public double apply(double a, double b, double s) { return Math.fma(s, b, a); } },
    /** a − s·b, fused. */
    SUB { public double apply(double a, double b, double s) { return Math.fma(-s, b, a); } },
    MUL { public double apply(double a, double b, double s) { return a * b; } },
    DIV { public double apply(double a, double b, double s) { return a / b; } },
    /** torch.maximum: NaN if either is NaN. */
    MAXIMUM {
        public double apply(double a, double b, double s) {
            return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
        }
    },
    /** 1 where a == b, else 0. */
    EQ { public double apply(double a, double b, double s) { return a == b ? 1 : 0; } },
    /** 1 where a &gt; b, else 0. */
    GT { public double apply(double a, double b, double s) { return a > b ? 1 : 0; } },
    /**
     * torch's threshold_backward(grad = a, input = b, threshold = s): +0 where b ≤ s, else a. A mask
     * that selects rather than multiplies, so a masked position is +0 even where a is −2, ∞ or NaN.
     */
    THRESHOLD_BACKWARD { public double apply(double a, double b, double s) { return b <= s ? 0 : a; } };

    public abstract double apply(double a, double b, double s);
}
