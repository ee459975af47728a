package dlblocks;

import dlblocks.tensor.DType;

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

    /** Higham's γₙ = n·u/(1 − n·u) for unit roundoff u; n need not be an integer (a bound may count u·D). */
    public static double gamma(double n, double u) {
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

    // ------------------------------------------------------------ the concept properties (spec/*.md)

    /**
     * Float32 against float64 for one entry of a gradient (or of any sum of products) in which every
     * term passes through at most k roundings on its way to the result — products, partial sums, bias
     * additions, forward and then backward; relu and sign changes add none. By Lemma 3.1 the float32
     * result is within γₖ·M of the exact value, where M is the same expression evaluated on absolute
     * values; the float64 result is within γₖ(2⁻⁵³)·M, far less. Their difference is therefore at most
     * f32SumBound(k, M) = 2γₖ·M. The tests count k for each expression where they use it.
     */
    public static double f32GradientBound(int k, double absEvaluation) {
        return f32SumBound(k, absEvaluation);
    }

    /**
     * |σ̂(x) + σ̂(−x) − 1| for float32 σ̂ and the sum taken in float32. Each σ̂ is σ evaluated in float64
     * (StrictMath.exp within 1 ulp, then one addition and one division: within 4·2⁻⁵³ relative) and
     * rounded once to float32 (≤ u relative). So σ̂(x) + σ̂(−x) = σ(x)(1 + ε₁) + σ(−x)(1 + ε₂) with
     * |εᵢ| ≤ u + 4·2⁻⁵³, which is 1 ± (u + 4·2⁻⁵³) since σ(x) + σ(−x) = 1; the float32 addition adds u.
     */
    public static final double SIGMOID_SYMMETRY_F32 = 2 * F32_U + 4 * F64_U;

    /**
     * |σ̂'(x) − σ̂'(−x)| for float32 σ' = σ(1 − σ) taken through backward. For x ≥ 0, σ̂ ≥ 1/2 so 1 − σ̂ is
     * exact (Sterbenz), and σ̂(1 − σ̂) − σ(1 − σ) = (σ̂ − σ)(1 − σ − σ̂) plus the product's rounding: at
     * most u + u/4. For x &lt; 0, σ̂ = p(1 + δ₁) is small; 1 − σ̂ and the product each round once, and
     * σ̂ ≤ 1/2 gives a relative error ≤ 4u on σ' ≤ 1/4: at most u. Together 2.25u, plus second-order
     * terms and float64's error in σ: below 3u.
     */
    public static final double SIGMOID_GRAD_EVEN_F32 = 3 * F32_U;

    /**
     * Absolute error allowed between a float64 derivative of sigmoid or tanh from backward and the same
     * derivative from an independent closed form (e^(−|x|)/(1 + e^(−|x|))², 1/cosh²x). Both are a few
     * (≤ 6) correctly rounded operations and one libm call (≤ 1 ulp = 2u) on values ≤ 1, so each is within
     * 8·2⁻⁵³ of the true value, and they are within 16·2⁻⁵³ of each other.
     */
    public static final double DERIVATIVE_CLOSED_FORM_F64 = 16 * F64_U;

    /**
     * Where float32 tanh reaches ±1. The float32 number below 1 is 1 − 2⁻²⁴, so tanh(x) rounds to 1 once
     * 1 − tanh x = 2/(e^(2x) + 1) drops below half that gap, 2⁻²⁵: at x = ln(2²⁶ − 1)/2 ≈ 13·ln 2 ≈ 9.0109.
     */
    public static final double TANH_F32_SATURATES_AT = 13 * Math.log(2);

    /**
     * How far from {@link #TANH_F32_SATURATES_AT} the tests stay: 0.01 changes 1 − tanh x by 2% (a factor
     * e^(±0.02)), far more than the float64 evaluation's relative error, so the rounding direction is
     * certain on either side.
     */
    public static final double TANH_F32_SATURATION_MARGIN = 0.01;

    /** The unit roundoff of a floating dtype: {@link #F32_U} or {@link #F64_U}. */
    public static double unit(DType dtype) {
        return dtype == DType.FLOAT64 ? F64_U : F32_U;
    }

    /**
     * The absolute error a rounding may add when its result is subnormal — half the smallest subnormal:
     * 2⁻¹⁵⁰ for float32 (for float64, 2⁻¹⁰⁷⁵ is not a double, so the smallest subnormal 2⁻¹⁰⁷⁴ itself).
     * With underflow, one rounding is x(1 + δ) + η with |δ| ≤ u, |η| ≤ this (Higham §2.1).
     */
    public static double underflow(DType dtype) {
        return dtype == DType.FLOAT64 ? Double.MIN_VALUE : 0x1p-150;
    }

    /**
     * |exp(logSoftmax(x))ᵢ − softmax(x)ᵢ| for n elements along the dim, where y ≈ softmax(x)ᵢ and
     * logY ≈ its log. Both start from the same s = x − max (the same operation, so the same numbers).
     * softmax: eᵢ = exp(sᵢ) (u), S = Σ eⱼ (γₙ₋₁), eᵢ/S (u): relative error γₙ₊₂. logSoftmax: log S is off
     * by ≤ γₙ + u·ln n absolute (1 ≤ S ≤ n), sᵢ − log S rounds (u·|logY|), and the final exp rounds (u):
     * exp of a value off by δ is off by ≈ δ relative. The sum is y·(2γₙ₊₂ + u·(ln n + |logY| + 1)); we
     * double it for the second-order terms and for y, logY being the computed rather than the exact
     * values. (In float64 exp and log are StrictMath's, within 1 ulp = 2u rather than u; the doubling
     * covers that too.) Results below the normal range add an absolute η per rounding that may underflow:
     * eᵢ, eᵢ/S and the final exp, so 3η; we allow 4η.
     */
    public static double softmaxVsExpLogSoftmax(DType dtype, int n, double y, double logY) {
        double u = unit(dtype);
        return 2 * y * (2 * gamma(n + 2, u) + u * (Math.log(n) + Math.abs(logY) + 1)) + 4 * underflow(dtype);
    }

    /**
     * One entry of ∂CE/∂logits, from backward, against (pᵢ − [i = y])/scale computed by the test with
     * plain float64 loops from the same x − max. The backward's p is exp(logSoftmax) and the test's is
     * a softmax: {@link #softmaxVsExpLogSoftmax} bounds their difference. Beyond that the backward rounds
     * 1/scale and the product p·(1/scale) (2u·p) and, at the true class, one subtraction (u on a result
     * ≤ 1, and the rounded 1/scale: 2u); the test rounds one subtraction and one division (2u): in all
     * (bound + 2u·p + 4u)/scale, which we round up to (bound + 4u·(p + 1))/scale.
     */
    public static double crossEntropyGradBound(DType dtype, int classes, double p, double logP, double scale) {
        return (softmaxVsExpLogSoftmax(dtype, classes, p, logP) + 4 * unit(dtype) * (p + 1)) / scale;
    }

    /**
     * Roundings on the first step Δ of Adam, RMSprop and Adagrad in float32, counted for Adam, the
     * longest: fl(1 − β₁) and m = fl(·g) (2); v = fl(fl(fl(1 − β₂)·g)·g) (3, halved by the square root:
     * 1.5); √ (1); the bias-correction divisor and the division (2); ε rounded and added (2); the step
     * size rounded, times m, divided by the denominator (3): 11.5, so 12. RMSprop's first step takes 7.5
     * and Adagrad's 7.
     */
    public static final int OPTIM_FIRST_STEP_ROUNDINGS = 12;

    /**
     * |θ̂₁ − θ₁| for a float32 first step: the computed step Δ̂ is within γ₁₂·|Δ| of the exact Δ (see
     * {@link #OPTIM_FIRST_STEP_ROUNDINGS}), and θ̂₁ = fl(θ + Δ̂) adds one rounding of θ₁ + (Δ̂ − Δ):
     * γ₁₂|Δ| + u(|θ₁| + γ₁₂|Δ|) ≤ γ₁₃|Δ| + u|θ₁|.
     */
    public static double f32FirstStepBound(double step, double updated) {
        return gamma(OPTIM_FIRST_STEP_ROUNDINGS + 1, F32_U) * Math.abs(step) + F32_U * Math.abs(updated);
    }

    /**
     * Agreement with PyTorch 1.13 (the golden files of {@code verification/golden/torch/}, CPU capability AVX2,
     * one thread). Each bound is |dlblocks − torch| ≤ (torch's error) + (dlblocks' error), each error taken
     * against the exact result on the same float32 inputs, to first order in u and then rounded up with
     * Higham's γₖ = k·u/(1 − k·u), which also absorbs the second-order terms. Building blocks:
     *
     * <ul>
     * <li>A correctly rounded float32 operation (+ − × ÷ √) errs by ≤ u relative; both libraries get those
     *     bit-identical, so ops made only of them, in the same order, are compared exactly.</li>
     * <li>PyTorch's float32 exp, log, pow and tanh come from Sleef's {@code *_u10} functions on the vectorised
     *     part of a tensor (max error 1.0 ulp) and from glibc 2.36 on the scalar tail (expf, logf, powf ≤ 1 ulp;
     *     tanhf ≤ 2 ulp, glibc's libm-test-ulps). One ulp is ≤ 2u relative, so torch errs by ≤ 2u (tanh: 4u).
     *     Measured on 10⁶ inputs: exp, log, tanh ≤ 1 ulp from the correctly rounded value, sigmoid ≤ 2 ulp
     *     (STYLE.md: its two code paths differ by up to 2 ulp).</li>
     * <li>dlblocks evaluates each function in double with fdlibm ({@link StrictMath}, &lt; 1 double ulp,
     *     2.5 for tanh) and rounds once: ≤ u + 2⁻⁵¹ relative, counted as u (the 2⁻⁵¹ sits inside γₖ's slack).</li>
     * <li>A sum of n terms, each made with k roundings, in any order: ≤ γ_{n+k−1}·Σ|tᵢ| (Higham §3.1, §4.2)
     *     per library. PyTorch sums in blocked / multi-accumulator order (STYLE.md: the bias gradient differs
     *     from a running sum for batch ≥ 5); dlblocks left to right. Two of them differ by ≤ {@link
     *     #f32SumBound}(n + k, Σ|tᵢ|).</li>
     * <li>Results below the normal range: the relative bounds do not hold there and torch's float32 kernels
     *     may underflow early (sigmoid(−100) is 1/(1 + exp(100)) = 1/∞ = 0 in torch, the subnormal 3.8e-44 in
     *     dlblocks), so elementwise bounds add {@link Torch#MIN_NORMAL} = 2⁻¹²⁶ absolute.</li>
     * </ul>
     */
    public static final class Torch {
        private Torch() {
        }

        /** Higham's γₖ = k·u/(1 − k·u) for float32. */
        public static double gamma(double k) {
            return k * F32_U / (1 - k * F32_U);
        }

        /** The smallest normal float32, 2⁻¹²⁶: absolute slack for results that underflow. */
        public static final double MIN_NORMAL = 0x1p-126;

        /** exp, log and pow, relative: torch ≤ 2u (1 ulp; pow's special cases x·x·x, 1/√x, 1/(x·x) are
         *  two roundings, also ≤ 2u) + dlblocks u = γ₃. */
        public static final double EXP_LOG_POW = gamma(3);

        /** tanh relative: glibc's tanhf on the scalar tail is ≤ 2 ulp = 4u, + dlblocks u = γ₅. sigmoid:
         *  torch computes 1/(1 + exp(−x)) in float32: exp's 2u shrinks by e/(1 + e) ≤ 1, then the sum's and the
         *  reciprocal's roundings: 4u, + dlblocks u = γ₅. */
        public static final double TANH_SIGMOID = gamma(5);

        /** {@code add(a, b, alpha)}: torch fuses a + α·b into one float32 FMA (u); dlblocks fuses it in
         *  double and rounds to float32 (u + 2⁻⁵³, a double rounding): γ₂ relative. */
        public static final double ADD_ALPHA = gamma(2);

        /** exp's gradient g·exp(x): each library multiplies its own exp (3u apart) by g (u each): γ₅. */
        public static final double EXP_GRAD = gamma(5);

        /** pow's gradient: torch g·(p·x^(p−1)), dlblocks (g·x^(p−1))·p: x^(p−1) 2u + u, then two products
         *  each side, 4u: γ₇ relative. */
        public static final double POW_GRAD = gamma(7);

        /**
         * tanh's gradient g·(1 − y²), y = tanh x, per element. 1 − y² cancels as |y| → 1, so the bound is
         * absolute: torch's y is 4u off (→ 8u·y² in y²), then y² and 1 − y² (one FMA or two roundings:
         * u·(y² + |1 − y²|)) and the product with g (u); dlblocks 2u·y² + u·y² + u·|1 − y²| + u. Together
         * |g|·u·(12y² + 4|1 − y²|) ≤ γ₁₂·|g|·(y² + |1 − y²|).
         */
        public static double tanhGrad(double g, double y) {
            return gamma(12) * Math.abs(g) * (y * y + Math.abs(1 - y * y)) + MIN_NORMAL;
        }

        /**
         * sigmoid's gradient, torch (g·(1 − y))·y, dlblocks g·(y·(1 − y)), y = σ(x). 1 − y cancels as y → 1:
         * y's 4u (torch) and u (dlblocks) enter both factors, giving 5u·y(1 − y) + 5u·y²; the roundings of
         * 1 − y and the two products add 6u·y(1 − y). Total ≤ 11u·(y(1 − y) + y²) = γ₁₁·|g|·y.
         */
        public static double sigmoidGrad(double g, double y) {
            return gamma(11) * Math.abs(g) * Math.abs(y) + MIN_NORMAL;
        }

        /** A mean: sum/n in both libraries: the sums' bound divided by n, and each division's rounding. */
        public static double mean(int n, double sumOfAbs, double magnitude) {
            return f32SumBound(n, sumOfAbs) / n + gamma(2) * magnitude;
        }

        /**
         * softmax yᵢ = eᵢ/S over n elements, eᵢ = exp(xᵢ − m) (x − m is the same float in both). torch: exp 2u,
         * the sum 2u + γ_{n−1}, then 1/S and ×: 2u; dlblocks: u, u + γ_{n−1}, one division u. Together
         * 9u + 2γ_{n−1} ≤ γ_{2n+7}, relative to y.
         */
        public static double softmax(int n, double y) {
            return gamma(2 * n + 7) * Math.abs(y) + MIN_NORMAL;
        }

        /**
         * softmax's gradient yᵢ·(gᵢ − D), D = Σⱼ gⱼyⱼ. Each library's y is off by ηₜ, ηⱼ (ηₜ + ηⱼ ≤ γ_{2n+7},
         * as {@link #softmax}); D by (η + γₙ)·Σ|gⱼyⱼ|; gᵢ − D and the product round once each. Together
         * |yᵢ|·((ηₜ + ηⱼ + 2γₙ)·Σ|gⱼyⱼ| + (ηₜ + ηⱼ + 4u)·|gᵢ − D|) ≤ γ_{4n+11}·|yᵢ|·(Σ|gⱼyⱼ| + |gᵢ − D|).
         */
        public static double softmaxGrad(int n, double y, double sumAbsGy, double gMinusDot) {
            return gamma(4 * n + 11) * Math.abs(y) * (sumAbsGy + Math.abs(gMinusDot)) + MIN_NORMAL;
        }

        /**
         * log-softmax outᵢ = sᵢ − L, sᵢ = xᵢ − m (the same float in both), L = log Σ exp(sⱼ). The sum's relative
         * error (torch 2u + γ_{n−1}, dlblocks u + γ_{n−1}) becomes an absolute error of L; each log adds 2u·|L|
         * (torch) or u·|L|; the subtraction rounds once each: (3u + 2γ_{n−1}) + 3u·|L| + 2u·|outᵢ| ≤
         * γ_{2n+1}·(1 + |L| + |outᵢ|).
         */
        public static double logSoftmax(int n, double logSum, double out) {
            return gamma(2 * n + 1) * (1 + Math.abs(logSum) + Math.abs(out));
        }

        /**
         * log-softmax's gradient gᵢ − pᵢ·G, pᵢ = exp(outᵢ), G = Σⱼ gⱼ. The two libraries' outᵢ differ by at most
         * {@code outBound} (their forward bound), so their pᵢ by pᵢ·(outBound + 3u) (exp: 2u + u); their G by
         * 2γ_{n−1}·Σ|gⱼ|; the products and the subtraction round once each. {@code upstream} bounds a
         * difference already present in g (cross-entropy's mean), entering as |Δgᵢ| + pᵢ·Σ|Δgⱼ|.
         */
        public static double logSoftmaxGrad(int n, double p, double sumG, double sumAbsG, double gradIn,
                                            double outBound, double upstreamI, double upstreamSum) {
            return p * Math.abs(sumG) * (outBound + gamma(5)) + 2 * gamma(n - 1) * p * sumAbsG
                    + gamma(2) * Math.abs(gradIn) + upstreamI + p * upstreamSum + MIN_NORMAL;
        }

        /**
         * A weighted mean Σtᵢ/Σwᵢ over n examples (NLLLoss's mean): each library sums the terms (each made with
         * k roundings, and already {@code termDiscrepancy} apart in total) and the weights in its own order
         * and divides once: (Σ|Δtᵢ| + f32SumBound(n + k, Σ|tᵢ|))/W + |mean|·(f32SumBound(n, W)/W + γ₂).
         */
        public static double weightedMean(int n, int k, double sumOfAbsTerms, double termDiscrepancy,
                                          double totalWeight, double magnitude) {
            return (termDiscrepancy + f32SumBound(n + k, sumOfAbsTerms)) / totalWeight
                    + magnitude * (f32SumBound(n, totalWeight) / totalWeight + gamma(2));
        }

        /**
         * NLLLoss's mean gradient −wᵢ·g/W: the libraries' W differ by f32SumBound(n, W); each then divides and
         * multiplies (2 roundings each): |value|·(f32SumBound(n, W)/W + γ₄).
         */
        public static double weightedMeanGrad(int n, double totalWeight, double magnitude) {
            return magnitude * (f32SumBound(n, totalWeight) / totalWeight + gamma(4));
        }

        /** A sum over a dtype: float32's {@link #f32SumBound}, or the same γ bound with float64's u. */
        public static double sumBound(boolean float64, int n, double sumOfAbs) {
            if (!float64) {
                return f32SumBound(n, sumOfAbs);
            }
            double nu = n * F64_U;
            return 2 * nu / (1 - nu) * sumOfAbs;
        }

        /**
         * Optimiser trajectories: after t steps, ‖θ_dlblocks − θ_torch‖∞ ≤ t·{@value #TRAJECTORY_K}·u·‖θ_torch‖∞.
         * Both libraries evaluate the same update, operation for operation (torch/optim/*.py 1.13, the
         * single-tensor path that is the default), so the error one step adds to one library's θ is at most,
         * relative to ‖θ‖∞: u for the rounding of the final {@code add_}/{@code addcdiv_}; 3u for up to three
         * roundings that one library fuses and the other does not (torch's vectorised {@code addcmul_} and
         * {@code add_(alpha)} are FMAs, dlblocks fuses a + α·b in double and rounds twice in addcmul_), each
         * relative to the update lr·d, which is at most ‖θ‖∞ (the premise, asserted on torch's data by the
         * test; it is ≤ 0.32·‖θ‖∞ in optim.json); and 4u for the update's share of the gradient's error, which
         * is a few u of the update (log-softmax over 3 classes, sums of 6 terms; bounded at every step by
         * {@code TorchOptimGoldenTest.lossAndGradientsAgreeAtEveryPointOfTorchsTrajectory}). That is 8u per
         * step per library, 16u between them. The per-step errors add rather than grow when the step map is
         * non-expansive: true for gradient descent on this convex loss (softmax regression) with lr below
         * 2/L; for momentum and the adaptive methods an assumption over 20 steps, which this bound tests.
         */
        public static final int TRAJECTORY_K = 16;

        /** {@link #TRAJECTORY_K}'s bound after {@code steps} steps for parameters of largest magnitude {@code scale}. */
        public static double trajectory(int steps, double scale) {
            return steps * TRAJECTORY_K * F32_U * scale;
        }
    }

    // ---------------------------------------------------------------- CUDA against the CPU reference
    //
    // Most CUDA kernels perform the CPU's correctly rounded operations in the CPU's order and are compared
    // for equality (copies, indexing, +, −, ×, ÷, √, comparisons, relu, sums, max, argmax, gather,
    // scatter-add, float64 matmul). The bounds below are for the rest, and for composite operations,
    // which on either device are compared with the exact result (evaluated in float64). γ is gamma(n, u) above.

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
