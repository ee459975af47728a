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

    /** torch.autograd.gradcheck's defaults, used by GradCheck in float64. */
    public static final double GRADCHECK_ATOL = 1e-5;
    public static final double GRADCHECK_RTOL = 1e-3;

    // ------------------------------------------------------------ the concept properties (spec/*.md)

    /**
     * Higham's γₙ = n·u/(1 − n·u) for unit roundoff {@code unit}: |Π(1 + δᵢ)^(±1) − 1| ≤ γₙ for n
     * roundings, each |δᵢ| ≤ u (Higham, Lemma 3.1). It also absorbs the second-order terms of a
     * first-order count.
     */
    public static double gamma(double unit, int n) {
        double nu = n * unit;
        return nu / (1 - nu);
    }

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
        return 2 * y * (2 * gamma(u, n + 2) + u * (Math.log(n) + Math.abs(logY) + 1)) + 4 * underflow(dtype);
    }

    /**
     * |Σᵢ exp(logSoftmax(x))ᵢ − 1| over n elements, with the exps and the sum taken in float64 (their error
     * is negligible next to the bound). Each exp(L̂ᵢ) is yᵢ(1 + ρᵢ) with |ρᵢ| ≤ γₙ + u(ln n + |Lᵢ| + 1) as in
     * {@link #softmaxVsExpLogSoftmax}; Σ yᵢ = 1 and Σ yᵢ|Lᵢ| (the entropy) ≤ ln n give
     * γₙ + u(2 ln n + 1); doubled for second-order terms.
     */
    public static double expLogSoftmaxSumBound(DType dtype, int n) {
        double u = unit(dtype);
        return 2 * (gamma(u, n) + u * (2 * Math.log(n) + 1));
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
        return gamma(F32_U, OPTIM_FIRST_STEP_ROUNDINGS + 1) * Math.abs(step) + F32_U * Math.abs(updated);
    }
}
