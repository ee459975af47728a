package dlblocks.nonlinear;

import static dlblocks.Generators.seeds;
import static dlblocks.Generators.shapes;
import static dlblocks.Generators.sizes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;

import dlblocks.Generators;
import dlblocks.Tolerances;
import dlblocks.affine.Linear;
import dlblocks.autograd.NoGrad;
import dlblocks.random.Generator;
import dlblocks.spec.Spec;
import dlblocks.tensor.DType;
import dlblocks.tensor.Tensor;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The tutorial's core non-linearities ReLU, tanh and σ, and why a network needs them. Invariants in
 * spec/nonlinear.md.
 */
class NonlinearProperties {

    /** ReLU(x) = max(0, x) ≥ 0 for every x (−0.0 counts as 0). */
    @Test
    @Spec("RELU-NON-NEGATIVE")
    void reluIsNeverNegative() {
        qt().withExamples(200).forAll(shapes(1, 3, 6), doubles().between(1e-3, 1e3), seeds()).checkAssert((shape, scale, seed) -> {
            Tensor x = withZeros(Generators.randn(seed, scale, shape));
            for (float v : Nonlinear.relu(x).toFloatArray()) {
                assertTrue(v >= 0, "relu gave " + v);
            }
        });
    }

    /** relu(relu(x)) = relu(x), bit for bit: applying ReLU twice changes nothing. */
    @Test
    @Spec("RELU-IDEMPOTENT")
    void reluTwiceIsReluOnce() {
        qt().withExamples(200).forAll(shapes(1, 3, 6), doubles().between(1e-3, 1e3), seeds()).checkAssert((shape, scale, seed) -> {
            Tensor once = Nonlinear.relu(withZeros(Generators.randn(seed, scale, shape)));
            assertArrayEqualsBits(once.toFloatArray(), Nonlinear.relu(once).toFloatArray());
        });
    }

    /** relu(x) = x where x ≥ 0 and 0 where x &lt; 0, bit for bit. */
    @Test
    @Spec("RELU-IDENTITY-ON-NON-NEGATIVE")
    void reluKeepsNonNegativeValuesAndZeroesTheRest() {
        qt().withExamples(200).forAll(shapes(1, 3, 6), doubles().between(1e-3, 1e3), seeds()).checkAssert((shape, scale, seed) -> {
            Tensor x = withZeros(Generators.randn(seed, scale, shape));
            float[] in = x.toFloatArray();
            float[] out = Nonlinear.relu(x).toFloatArray();
            for (int i = 0; i < in.length; i++) {
                float expected = in[i] >= 0 ? in[i] : 0f;
                assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(out[i]),
                        "relu(" + in[i] + ") = " + out[i]);
            }
        });
    }

    /** ReLU's gradient selects: g where x &gt; 0 (or NaN), +0 where x ≤ 0, whatever g is (±∞ and NaN included). */
    @Test
    @Spec("RELU-GRADIENT-SELECTS")
    void reluGradientIsGWhereXIsPositiveAndPlusZeroElsewhereWhateverG() {
        float[] special = {-2f, -0f, 0f, 3f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
            Float.MIN_VALUE, -Float.MIN_VALUE};
        float[] xs = new float[special.length * special.length];
        float[] gs = new float[xs.length];
        for (int i = 0; i < special.length; i++) {
            for (int j = 0; j < special.length; j++) {
                xs[i * special.length + j] = special[i];
                gs[i * special.length + j] = special[j];
            }
        }
        Tensor x = Tensor.fromFloats(xs, xs.length).requiresGrad_(true);
        Nonlinear.relu(x).backward(Tensor.fromFloats(gs, gs.length));
        float[] grad = x.grad().toFloatArray();
        for (int k = 0; k < xs.length; k++) {
            float expected = xs[k] <= 0 ? 0f : gs[k]; // NaN <= 0 is false: a NaN input passes g, as in PyTorch
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(grad[k]),
                    "relu'(" + xs[k] + ") applied to g = " + gs[k] + " gave " + grad[k]);
        }
    }

    /** tanh(−x) = −tanh(x), bit for bit, in float32 and float64. */
    @Test
    @Spec("TANH-ODD")
    void tanhIsOdd() {
        qt().withExamples(200).forAll(shapes(1, 3, 6), doubles().between(1e-3, 30), seeds()).checkAssert((shape, scale, seed) -> {
            Tensor x = Generators.randn(seed, scale, shape);
            for (Tensor t : new Tensor[] {x, x.to(DType.FLOAT64)}) {
                double[] plus = Nonlinear.tanh(t).toDoubleArray();
                double[] minus = Nonlinear.tanh(t.neg()).toDoubleArray();
                for (int i = 0; i < plus.length; i++) {
                    assertEquals(Double.doubleToLongBits(-plus[i]), Double.doubleToLongBits(minus[i]),
                            t.dtype() + ": tanh(x) = " + plus[i] + " but tanh(−x) = " + minus[i]);
                }
            }
        });
    }

    /**
     * |tanh(x)| ≤ 1 always, and strictly inside (−1, 1) in exact arithmetic; in float32 the value rounds
     * to exactly ±1 once |x| passes 13·ln 2 ≈ 9.011 ({@link Tolerances#TANH_F32_SATURATES_AT}). So, in
     * float32: |tanh(x)| &lt; 1 below that, = 1 above it.
     */
    @Test
    @Spec("TANH-BOUNDED")
    void tanhStaysInsideMinusOneOneUntilFloat32RoundsItToOne() {
        double below = Tolerances.TANH_F32_SATURATES_AT - Tolerances.TANH_F32_SATURATION_MARGIN;
        double above = Tolerances.TANH_F32_SATURATES_AT + Tolerances.TANH_F32_SATURATION_MARGIN;
        qt().withExamples(200).forAll(shapes(1, 3, 6), doubles().between(1e-3, 30), seeds()).checkAssert((shape, scale, seed) -> {
            Tensor x = Generators.randn(seed, scale, shape);
            float[] in = x.toFloatArray();
            float[] out = Nonlinear.tanh(x).toFloatArray();
            for (int i = 0; i < in.length; i++) {
                float a = Math.abs(out[i]);
                assertTrue(a <= 1, "|tanh(" + in[i] + ")| = " + a + " > 1");
                if (Math.abs(in[i]) < below) {
                    assertTrue(a < 1, "tanh(" + in[i] + ") rounded to ±1 before 13·ln 2");
                } else if (Math.abs(in[i]) > above) {
                    assertEquals(1f, a, "tanh(" + in[i] + ") should round to ±1 in float32");
                }
            }
            for (double v : Nonlinear.tanh(x.to(DType.FLOAT64)).toDoubleArray()) {
                assertTrue(Math.abs(v) <= 1, "float64 |tanh| = " + Math.abs(v) + " > 1");
            }
        });
    }

    /**
     * σ(x) + σ(−x) = 1: the sigmoid is symmetric about (0, 1/2). In float32, within
     * {@link Tolerances#SIGMOID_SYMMETRY_F32} (2u plus float64 noise).
     */
    @Test
    @Spec("SIGMOID-SYMMETRY")
    void sigmoidOfXPlusSigmoidOfMinusXIsOne() {
        qt().withExamples(200).forAll(shapes(1, 3, 6), doubles().between(1e-3, 100), seeds()).checkAssert((shape, scale, seed) -> {
            Tensor x = Generators.randn(seed, scale, shape);
            float[] in = x.toFloatArray();
            float[] sum = Nonlinear.sigmoid(x).add(Nonlinear.sigmoid(x.neg())).toFloatArray();
            for (int i = 0; i < sum.length; i++) {
                assertTrue(Math.abs(sum[i] - 1.0) <= Tolerances.SIGMOID_SYMMETRY_F32,
                        "σ(" + in[i] + ") + σ(" + -in[i] + ") = " + sum[i]);
            }
        });
    }

    /**
     * "They have gradients that are easy to compute": σ'(x) = σ(x)(1 − σ(x)). Backward (float64) agrees
     * with the closed form e^(−|x|)/(1 + e^(−|x|))² within {@link Tolerances#DERIVATIVE_CLOSED_FORM_F64}.
     */
    @Test
    @Spec("SIGMOID-DERIVATIVE")
    void sigmoidBackwardIsSigmaTimesOneMinusSigma() {
        qt().withExamples(200).forAll(shapes(1, 3, 6), doubles().between(1e-3, 40), seeds()).checkAssert((shape, scale, seed) -> {
            double[][] xAndGrad = derivativeOf(Nonlinear::sigmoid, Generators.randn(seed, scale, shape));
            double[] x = xAndGrad[0];
            double[] grad = xAndGrad[1];
            for (int i = 0; i < x.length; i++) {
                double e = Math.exp(-Math.abs(x[i]));
                double expected = e / ((1 + e) * (1 + e));
                assertTrue(Math.abs(grad[i] - expected) <= Tolerances.DERIVATIVE_CLOSED_FORM_F64,
                        "σ'(" + x[i] + "): backward " + grad[i] + ", closed form " + expected);
            }
        });
    }

    /** tanh'(x) = 1 − tanh²(x), through backward (float64), against 1/cosh²(x). */
    @Test
    @Spec("TANH-DERIVATIVE")
    void tanhBackwardIsOneMinusTanhSquared() {
        qt().withExamples(200).forAll(shapes(1, 3, 6), doubles().between(1e-3, 40), seeds()).checkAssert((shape, scale, seed) -> {
            double[][] xAndGrad = derivativeOf(Nonlinear::tanh, Generators.randn(seed, scale, shape));
            double[] x = xAndGrad[0];
            double[] grad = xAndGrad[1];
            for (int i = 0; i < x.length; i++) {
                double c = Math.cosh(x[i]);
                double expected = 1 / (c * c);
                assertTrue(Math.abs(grad[i] - expected) <= Tolerances.DERIVATIVE_CLOSED_FORM_F64,
                        "tanh'(" + x[i] + "): backward " + grad[i] + ", closed form " + expected);
            }
        });
    }

    /**
     * "The gradient vanishes very quickly as the absolute value of the argument grows": in float32,
     * through backward, σ' ≤ 1/4; σ'(x) &lt; 10⁻⁴ for |x| &gt; 10 (σ'(10) ≈ 4.5·10⁻⁵); σ' is non-increasing
     * in x ≥ 0, and σ'(−x) = σ'(x) within {@link Tolerances#SIGMOID_GRAD_EVEN_F32}.
     */
    @Test
    @Spec("SIGMOID-GRADIENT-VANISHES")
    void sigmoidGradientIsAtMostAQuarterAndVanishesAsAbsXGrows() {
        qt().withExamples(200).forAll(sizes(40), doubles().between(1e-2, 60), seeds()).checkAssert((n, scale, seed) -> {
            float[] magnitudes = new Generator(seed).normal(n, 0, scale);
            float[] xs = new float[2 * n];                      // x₀..xₙ₋₁ ≥ 0, then −x₀..−xₙ₋₁
            for (int i = 0; i < n; i++) {
                xs[i] = Math.abs(magnitudes[i]);
                xs[n + i] = -xs[i];
            }
            Tensor x = Tensor.fromFloats(xs, 2 * n).requiresGrad_(true);
            Nonlinear.sigmoid(x).backward(Tensor.ones(2 * n));
            float[] d = x.grad().toFloatArray();
            for (int i = 0; i < 2 * n; i++) {
                assertTrue(d[i] <= 0.25f, "σ'(" + xs[i] + ") = " + d[i] + " > 1/4");
                if (Math.abs(xs[i]) > 10) {
                    assertTrue(d[i] < 1e-4, "σ'(" + xs[i] + ") = " + d[i] + " has not vanished");
                }
            }
            for (int i = 0; i < n; i++) {
                assertTrue(Math.abs(d[i] - d[n + i]) <= Tolerances.SIGMOID_GRAD_EVEN_F32,
                        "σ'(" + xs[i] + ") = " + d[i] + " but σ'(" + xs[n + i] + ") = " + d[n + i]);
                for (int j = 0; j < n; j++) {
                    if (xs[i] <= xs[j]) {
                        assertTrue(d[j] <= d[i], "σ' grew from " + d[i] + " at " + xs[i] + " to " + d[j] + " at " + xs[j]);
                    }
                }
            }
        });
    }

    /**
     * "If we introduce non-linearities in between the affine layers, this is no longer the case": for
     * f = Linear → ReLU → Linear there are x, y with f((x + y)/2) ≠ (f(x) + f(y))/2. The test exhibits
     * one with y = −x (so the midpoint is exactly 0): x along row j of A₁, long enough that hidden unit j
     * is switched on at one of x, −x and off at the other. It only accepts a gap larger than float32
     * rounding could explain (see {@link #roundingBound}).
     */
    @Test
    @Spec("NONLINEAR-BREAKS-AFFINITY")
    void linearReluLinearIsNotAffine() {
        qt().withExamples(200).forAll(sizes(5), sizes(5), sizes(4), seeds()).checkAssert((in, hidden, out, seed) -> {
            Generator g = new Generator(seed);
            Linear first = new Linear(in, hidden, true, g);
            Linear second = new Linear(hidden, out, true, g);
            Tensor zero = Tensor.zeros(1, in);
            double[] atZero = net(first, second, zero);
            double[] boundAtZero = roundingBound(first, second, zero);
            StringBuilder tried = new StringBuilder();
            for (int j = 0; j < hidden; j++) {
                Tensor x = acrossTheKinkOf(first, j);
                double[] fx = net(first, second, x);
                double[] fMinusX = net(first, second, x.neg());
                double[] bx = roundingBound(first, second, x);
                double[] bMinusX = roundingBound(first, second, x.neg());
                for (int i = 0; i < out; i++) {
                    double gap = Math.abs(atZero[i] - (fx[i] + fMinusX[i]) / 2);
                    double bound = boundAtZero[i] + (bx[i] + bMinusX[i]) / 2
                            + Tolerances.F64_U * Math.abs(fx[i] + fMinusX[i]);
                    if (gap > bound) {
                        return; // a witness: f(0) ≠ (f(x) + f(−x))/2 by more than rounding
                    }
                    tried.append(String.format(" unit %d output %d: %.3g ≤ %.3g;", j, i, gap, bound));
                }
            }
            throw new AssertionError("no witness of non-affinity; gaps vs rounding bounds:" + tried);
        });
    }

    /**
     * x = t·A₁ⱼ/|A₁ⱼ|² with t = 2|b₁ⱼ| + 1, so A₁ⱼ·x = t: unit j's pre-activation is t + b₁ⱼ &gt; 0 at x and
     * −t + b₁ⱼ &lt; 0 at −x.
     */
    private static Tensor acrossTheKinkOf(Linear first, int j) {
        int in = first.inFeatures();
        double[] row = Arrays.copyOfRange(first.weight.toDoubleArray(), j * in, (j + 1) * in);
        double t = 2 * Math.abs(first.bias.toDoubleArray()[j]) + 1;
        double norm2 = 0;
        for (double w : row) {
            norm2 += w * w;
        }
        double[] x = new double[in];
        for (int k = 0; k < in; k++) {
            x[k] = t * row[k] / norm2;
        }
        return Tensor.fromDoubles(DType.FLOAT32, x, 1, in);
    }

    /**
     * "Note that non-linearites typically don't have parameters like affine maps do": the module forms
     * nn.ReLU, nn.Tanh and nn.Sigmoid have no parameters and compute exactly what the functions compute.
     */
    @Test
    @Spec("NONLINEAR-MODULES-HAVE-NO-PARAMETERS")
    void theNonlinearityModulesHaveNoParametersAndAreTheFunctions() {
        qt().withExamples(100).forAll(shapes(1, 3, 6), doubles().between(1e-3, 30), seeds()).checkAssert((shape, scale, seed) -> {
            Tensor x = Generators.randn(seed, scale, shape);
            ReLU relu = new ReLU();
            Tanh tanh = new Tanh();
            Sigmoid sigmoid = new Sigmoid();
            for (dlblocks.module.Module m : new dlblocks.module.Module[] {relu, tanh, sigmoid}) {
                assertTrue(m.parameters().isEmpty(), m + " has parameters");
            }
            assertArrayEqualsBits(Nonlinear.relu(x).toFloatArray(), relu.forward(x).toFloatArray());
            assertArrayEqualsBits(Nonlinear.tanh(x).toFloatArray(), tanh.forward(x).toFloatArray());
            assertArrayEqualsBits(Nonlinear.sigmoid(x).toFloatArray(), sigmoid.forward(x).toFloatArray());
        });
    }

    // ---------------------------------------------------------------- helpers

    /** Sets every 5th entry to 0 (and the 1st of each 10 to −0), so ReLU's kink is among the inputs. */
    private static Tensor withZeros(Tensor x) {
        float[] v = x.toFloatArray();
        for (int i = 0; i < v.length; i += 5) {
            v[i] = i % 10 == 0 ? -0f : 0f;
        }
        return Tensor.fromFloats(v, x.shape());
    }

    private static void assertArrayEqualsBits(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]),
                    "element " + i + ": " + expected[i] + " vs " + actual[i]);
        }
    }

    /** x widened to float64, and the gradient of Σ f(x) with respect to it from backward. */
    private static double[][] derivativeOf(UnaryOperator<Tensor> f, Tensor values) {
        Tensor x = values.to(DType.FLOAT64).requiresGrad_(true);
        f.apply(x).sum().backward();
        return new double[][] {x.toDoubleArray(), x.grad().toDoubleArray()};
    }

    private static double[] net(Linear first, Linear second, Tensor x) {
        try (NoGrad scope = new NoGrad()) {
            return second.forward(Nonlinear.relu(first.forward(x))).toDoubleArray();
        }
    }

    /**
     * How far float32 rounding can move f(x): each term of the output passes (in + 2) roundings in the
     * first layer and (hidden + 2) in the second, and ReLU, being 1-Lipschitz, passes errors on without
     * growing them, so |f̂(x) − f(x)| ≤ γₖ·M(x) with k = in + hidden + 4 and
     * M(x) = |A₂|(|A₁||x| + |b₁|) + |b₂|. We use f32SumBound(k, M) = 2γₖM.
     */
    private static double[] roundingBound(Linear first, Linear second, Tensor x) {
        int in = first.inFeatures();
        int hidden = first.outFeatures();
        int out = second.outFeatures();
        double[] xs = x.toDoubleArray();
        double[] a1 = first.weight.toDoubleArray();
        double[] b1 = first.bias.toDoubleArray();
        double[] a2 = second.weight.toDoubleArray();
        double[] b2 = second.bias.toDoubleArray();
        double[] h = new double[hidden];
        for (int j = 0; j < hidden; j++) {
            h[j] = Math.abs(b1[j]);
            for (int k = 0; k < in; k++) {
                h[j] += Math.abs(a1[j * in + k] * xs[k]);
            }
        }
        double[] bound = new double[out];
        for (int i = 0; i < out; i++) {
            double m = Math.abs(b2[i]);
            for (int j = 0; j < hidden; j++) {
                m += Math.abs(a2[i * hidden + j]) * h[j];
            }
            bound[i] = Tolerances.f32SumBound(in + hidden + 4, m);
        }
        return bound;
    }
}
