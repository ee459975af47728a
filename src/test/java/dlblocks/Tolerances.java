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

    /** Higham's γₙ = n·u/(1 − n·u) for unit roundoff u. */
    private static double gamma(int n, double u) {
        return n * u / (1 - n * u);
    }

    /**
     * How far Σ_c exp(ŷ_c) may stray from 1 when ŷ is a float32 log-softmax over C classes (computed as
     * {@code Softmax.logSoftmax} and {@code SparseTrainer.logProbs} do: s = x − max, ŷ = s − log Σ exp s)
     * and each exp and the sum are then taken in float64 (as {@code predict} reports probabilities).
     * The rounding of s is harmless: ŷ is the exact log-softmax of the rounded s, perturbed as follows.
     * The float32 sum Ŝ of C rounded exps (all positive) is S·(1 + θ) with |θ| ≤ γ_C; 1 ≤ S ≤ C, since the
     * largest term is exp(0). L̂ = fl(log Ŝ) adds |η·L̂| ≤ u·ln C, and ŷ_c = fl(s_c − L̂) adds u·|y_c|. So
     * exp(ŷ_c) = p_c·e^{Δ_c} with |Δ_c| ≤ γ_C + u·ln C + u·|y_c|, and Σ p_c|Δ_c| ≤ γ_C + u·ln C + u·H(p)
     * ≤ γ_C + 2u·ln C (the entropy H(p) ≤ ln C). The factor 2 covers the second-order terms of e^Δ − 1
     * (|Δ_c| &lt; 1e-5 wherever p_c is not negligible: |y_c| ≤ 104 keeps exp(y_c) above float32's
     * smallest subnormal); the float64 exps and sum add at most γ_{C+1} in float64.
     */
    public static double logSoftmaxProbabilitySum(int classes) {
        return 2 * (gamma(classes, F32_U) + 2 * F32_U * Math.log(classes)) + gamma(classes + 1, F64_U);
    }
}
