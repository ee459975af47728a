package dlblocks;

/**
 * Every tolerance the tests use, each derived here once. u = 2⁻²⁴ is float32's unit roundoff (half an
 * ulp at 1); one correctly rounded float32 operation has relative error ≤ u.
 */
public final class Tolerances {
    private Tolerances() {
    }

    /** float32 unit roundoff u = 2⁻²⁴ ≈ 5.96e-8. */
    public static final double F32_U = 0x1p-24;

    /** float64 unit roundoff 2⁻⁵³. */
    public static final double F64_U = 0x1p-53;

    /**
     * Bound on the error of a float32 running sum of n terms: |ŝ − s| ≤ γₙ·Σ|xᵢ| with
     * γₙ = n·u/(1 − n·u) (Higham, Accuracy and Stability of Numerical Algorithms, §4.2). Used where
     * two implementations sum the same terms in different orders: each is within γₙ·Σ|xᵢ| of the exact
     * sum, so they differ by at most twice that.
     */
    public static double f32SumBound(int n, double sumOfAbs) {
        double nu = n * F32_U;
        return 2 * nu / (1 - nu) * sumOfAbs;
    }

    /**
     * Bound on |fl(fl(a + b) − b) − a| for float32 a, b (no overflow). With s = fl(a + b) = (a + b) + e₁,
     * |e₁| ≤ u·|a + b|, the subtraction computes s − b = a + e₁ and rounds it once more:
     * |fl(a + e₁) − a| ≤ |e₁| + u·|a + e₁| ≤ u·|a + b| + u·(|a| + u·|a + b|) = u·|a| + u(1 + u)·|a + b|.
     * It is reached: a = 1, b = 2²⁴ gives fl(a + b) = 2²⁴ (a tie, to even) and an error of exactly 1.
     */
    public static double f32AddSubRoundTripBound(double a, double b) {
        return F32_U * Math.abs(a) + F32_U * (1 + F32_U) * Math.abs(a + b);
    }

    /** torch.autograd.gradcheck's defaults, used by GradCheck in float64. */
    public static final double GRADCHECK_ATOL = 1e-5;
    public static final double GRADCHECK_RTOL = 1e-3;
}
