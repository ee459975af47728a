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

    /** torch.autograd.gradcheck's defaults, used by GradCheck in float64. */
    public static final double GRADCHECK_ATOL = 1e-5;
    public static final double GRADCHECK_RTOL = 1e-3;

    // ---------------------------------------------------------------- CUDA against the CPU reference
    //
    // Most CUDA kernels perform the CPU's correctly rounded operations in the CPU's order and are compared
    // for equality (copies, indexing, +, −, ×, ÷, √, comparisons, relu, sums, max, argmax, gather,
    // scatter-add, float64 matmul). The bounds below are for the rest, and for composite operations,
    // which on either device are compared with the exact result (evaluated in float64).

    /** γ(c) = c·u/(1 − c·u) for a unit roundoff u (Higham §3.1); c need not be an integer. */
    public static double gamma(double c, double u) {
        return c * u / (1 - c * u);
    }

    /**
     * Steps (adjacent floats, ±∞ counted as the neighbour of ±MAX_VALUE) allowed between CUDA's and the
     * CPU's float32 exp, log, tanh, sigmoid and pow: 1. Both evaluate the function in double — CUDA's
     * libm within 2 ulp (pow; exp, log, tanh within 1), StrictMath within 2.5 ulp (tanh; exp, log, pow
     * within 1), sigmoid adding two roundings — so the doubles are within 10·2⁻⁵³ relative of each other,
     * then round once to float32, whose neighbours lie 2⁻²⁴ relative apart or more. Two doubles that
     * close straddle at most one float32 rounding boundary: the floats are equal or neighbours.
     */
    public static final int CUDA_F32_TRANSCENDENTAL_STEPS = 1;

    /**
     * The same for float64 results: 11 steps. Each side is within 5u of the exact value (u = 2⁻⁵³; 1 ulp
     * is at most 2u relative: Java's tanh 2.5 ulp = 5u, CUDA's pow 2 ulp = 4u, and sigmoid's e/(1 + e)
     * gathers e's 2u, the addition's u (e's error entering 1 + e scaled by e/(1+e) ≤ 1/2) and the
     * division's u: 5u), so they differ by at most 10u·|y|. Doubles near y are at least u·|y| apart,
     * so that is at most 10 steps, plus one for the step the interval may start inside.
     */
    public static final int CUDA_F64_TRANSCENDENTAL_STEPS = 11;

    /**
     * |CUDA − CPU| allowed for one element of a float32 matrix product with k terms whose |aₚ|·|bₚ| sum
     * to sumAbs: 2γ_k·sumAbs. The CPU rounds each product and then each partial sum; the SGEMM kernel
     * fuses them (fmaf: one rounding for both) and, when it splits K into chunks, adds the chunk sums
     * afterwards. Either way each term passes through at most k roundings (a term of chunk z: its
     * chunk's ≤ kChunk roundings plus ≤ splits − 1 additions of chunk sums, and kChunk + splits − 1 ≤ k),
     * so each result is within γ_k·sumAbs of the exact one (Higham, (3.4)–(3.5)) and they are within
     * twice that of each other.
     */
    public static double cudaMatmulBound(int k, double sumAbs) {
        return 2 * gamma(k, F32_U) * sumAbs;
    }

    // Forward error bounds of the concept operations, for a device whose elementary operations are
    // correctly rounded (relative error ≤ u) and whose exp, log, tanh and sigmoid are within 5u (the
    // loosest documented bound above, for float64; a float32 result of a double evaluation is within
    // u + 5·2⁻⁵³ < 5u). Each is |computed − exact| for one output element; comparing a float32 result
    // with a float64 one allows the sum of the bound at F32_U and at F64_U. Sums of γ's are combined
    // by γ_a + γ_b + γ_a·γ_b ≤ γ_(a+b) (Higham, Lemma 3.3), which also absorbs second-order terms.

    /** Relative error of one exp, log, tanh or sigmoid (see above): γ_5. */
    public static double transcendentalBound(double u, double exact) {
        return gamma(5, u) * Math.abs(exact);
    }

    /**
     * A dot product of {@code terms} terms with Σ|terms| = sumAbs, in any order and fused or not: γ_terms·sumAbs
     * (Higham (3.5)). Linear's forward pass x·Aᵀ + b is one with k + 1 terms (the bias last); its
     * gradients g·A, gᵀ·x and Σᵢ gᵢ are ones with out, N and N terms.
     */
    public static double dotBound(int terms, double sumAbs, double u) {
        return gamma(terms, u) * sumAbs;
    }

    /**
     * tanh's gradient g·(1 − y²), with y the computed tanh (relative error γ_5): y·y has error γ_11·y²,
     * 1 − y² adds u·(1 − y²), the product with g adds u; with y² ≤ 1 that is at most γ_12·|g|.
     */
    public static double tanhGradBound(double u, double g) {
        return gamma(12, u) * Math.abs(g);
    }

    /**
     * sigmoid's gradient g·(y·(1 − y)), y the computed sigmoid (relative error γ_5): 1 − y is off by
     * γ_5·y + u·(1 − y), so y·(1 − y) is off by γ_5·y + 2u·y·(1 − y) ≤ γ_8·y; with g's product, γ_9·|g|·y.
     */
    public static double sigmoidGradBound(double u, double g, double y) {
        return gamma(9, u) * Math.abs(g) * y;
    }

    /**
     * Softmax of a row of n values spanning D = max − min, computed as eᵢ/Σe with eᵢ = exp(xᵢ − max):
     * xᵢ − max carries u·|xᵢ − max| ≤ u·D, which exp turns into relative u·D, plus exp's own γ_5; the
     * sum adds γ_(n−1) and the division u. Relative to yᵢ: γ_(n + 2D + 10).
     */
    public static double softmaxBound(double u, int n, double spread, double y) {
        return gamma(n + 2 * spread + 10, u) * y;
    }

    /**
     * log-softmax of the same row, (xᵢ − max) − log Σe, an absolute bound: the subtraction xᵢ − max
     * gives u·D; log Σe is off by the sum's relative error γ_(n + D + 4) (as above) plus log's own γ_5·ln n
     * (1 ≤ Σe ≤ n); the final subtraction adds u·(D + ln n). Together γ_(n + D + 5) + γ_5·ln n + γ_2·D + u·ln n.
     */
    public static double logSoftmaxBound(double u, int n, double spread) {
        return gamma(n + spread + 5, u) + gamma(6, u) * Math.log(n) + gamma(2, u) * spread;
    }

    /**
     * softmax's gradient yᵢ·(gᵢ − Σⱼ gⱼyⱼ) with the computed y (relative error γ_A, A = n + 2D + 10): the
     * products gⱼyⱼ and their sum are off by γ_(A + n + 2)·Σ|gⱼ|yⱼ, the difference adds u, the product
     * with yᵢ adds γ_A + u: yᵢ·γ_(2A + n + 5)·(|gᵢ| + Σⱼ|gⱼ|yⱼ).
     */
    public static double softmaxGradBound(double u, int n, double spread, double y, double g, double sumAbsGy) {
        double a = n + 2 * spread + 10;
        return gamma(2 * a + n + 5, u) * y * (Math.abs(g) + sumAbsGy);
    }

    /**
     * log-softmax's gradient gᵢ − exp(rᵢ)·Σⱼ gⱼ with the computed r (absolute error L =
     * {@link #logSoftmaxBound}): exp(r) = y is off by y·(L + γ_6), Σg by γ_n·Σ|g|, their product by u more,
     * and the final subtraction by u·|result|: yᵢ·Σ|g|·(L + γ_(n + 8)) + u·(|gᵢ| + yᵢ·Σ|g|).
     */
    public static double logSoftmaxGradBound(double u, int n, double spread, double y, double g, double sumAbsG) {
        return y * sumAbsG * (logSoftmaxBound(u, n, spread) + gamma(n + 8, u)) + u * (Math.abs(g) + y * sumAbsG);
    }

    /**
     * Ordinal distance between two floats (0 when equal, 1 for neighbours; +0 and −0 are 0 apart, and
     * NaN only matches NaN, for which the distance is 0).
     */
    public static long steps(float a, float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            return Float.isNaN(a) && Float.isNaN(b) ? 0 : Long.MAX_VALUE;
        }
        return Math.abs(ordinal(Float.floatToRawIntBits(a)) - ordinal(Float.floatToRawIntBits(b)));
    }

    /** The same for doubles. */
    public static long steps(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.isNaN(a) && Double.isNaN(b) ? 0 : Long.MAX_VALUE;
        }
        long x = ordinal(Double.doubleToRawLongBits(a));
        long y = ordinal(Double.doubleToRawLongBits(b));
        long d = x - y;
        return (x ^ y) < 0 && (d ^ x) < 0 ? Long.MAX_VALUE : Math.abs(d); // saturate on overflow
    }

    /** Maps float bits to integers that count up with the value (−0 and +0 both to 0). */
    private static long ordinal(int bits) {
        return bits >= 0 ? bits : -(long) (bits & 0x7fffffff);
    }

    private static long ordinal(long bits) {
        return bits >= 0 ? bits : -(bits & 0x7fffffffffffffffL);
    }
}
