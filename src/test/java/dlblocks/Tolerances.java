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
     * Bound on |log p̂_c − log p̃_c| between two float32 evaluations (dlblocks and PyTorch) of the
     * tutorial's {@code log_softmax(x·Wᵀ + b)} for one bag-of-words row x (C classes, word counts x_j).
     * {@code terms} = k + 1 for k distinct known words plus the bias; {@code sumOfAbs} =
     * S = max_c (Σ_j x_j·|W_cj| + |b_c|), computed in float64 from the model.
     * <ol>
     * <li>Logits: each side's z_c is a sum of the k + 1 nonzero terms x_j·W_cj and b_c in some order (the
     * dense vector's zero products are exact zeros and add exactly), so each is within γ_{k+1}·S of the exact
     * value, in any order and with or without fused multiply-add (Higham §3.1): the two differ by at most
     * Δ = {@link #f32SumBound}(k + 1, S).
     * <li>Exact log-softmax moves by at most 2Δ: L_c(z) = z_c − LSE(z), and LSE is 1-Lipschitz in ‖·‖∞.
     * <li>Each side's own float32 log-softmax of its logits: every intermediate (z_c, max, z_c − max,
     * max + log s, the result) is at most 2S + ln C in magnitude, and at most four roundings of such a
     * quantity reach the result (counting the rounding of z_c − max once more as it passes through exp
     * into s): 4u(2S + ln C). The sum s = Σ exp(z_c − max) ∈ [1, C] has relative error ≤ 2u (exp, 1 ulp)
     * + γ_{C−1} (the sum), and log adds ≤ 2u·ln C (1 ulp): per side u(8S + 6 ln C + 2) + γ_{C−1},
     * taken 1.01 times for the second-order terms.
     * </ol>
     */
    public static double f32BowLogProbBound(int terms, double sumOfAbs, int classes) {
        double perSide = F32_U * (8 * sumOfAbs + 6 * Math.log(classes) + 2) + gamma(classes - 1);
        return 2 * f32SumBound(terms, sumOfAbs) + 2 * 1.01 * perSide;
    }

    /**
     * Bound on |p̂ − p| where p = exp(y) in float64 (dlblocks' probabilities) and p̂ = fl₃₂(exp(ỹ)) is
     * PyTorch's float32 {@code torch.exp} of a log-probability with |ỹ − y| ≤ {@code logProbBound}:
     * p·(e^bound·(1 + 3u) − 1) (exp's 1 ulp ≤ 2u, float64 exp's error < u), plus 2⁻¹⁴⁹ for a result
     * that underflows into float32's subnormal range.
     */
    public static double probabilityBound(double p, double logProbBound) {
        return p * (Math.exp(logProbBound) * (1 + 3 * F32_U) - 1) + 0x1p-149;
    }

    /** γₙ = n·u/(1 − n·u) for float32. */
    public static double gamma(int n) {
        double nu = n * F32_U;
        return nu / (1 - nu);
    }

    /** torch.autograd.gradcheck's defaults, used by GradCheck in float64. */
    public static final double GRADCHECK_ATOL = 1e-5;
    public static final double GRADCHECK_RTOL = 1e-3;
}
