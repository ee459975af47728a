package dlblocks.softmax;

import static dlblocks.Generators.seeds;
import static dlblocks.Generators.shapesWithDim;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import dlblocks.Generators;
import dlblocks.Tolerances;
import dlblocks.random.Generator;
import dlblocks.spec.Spec;
import dlblocks.tensor.DType;
import dlblocks.tensor.Shape;
import dlblocks.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Softmax(x)ᵢ = exp(xᵢ)/Σⱼ exp(xⱼ) along one dimension of a tensor, and its logarithm. Invariants in
 * spec/softmax.md. The tensors have 1 to 4 dimensions; the dim is any of them, counted from the front
 * or (negative) from the back.
 */
class SoftmaxProperties {

    /** "Each element is non-negative." */
    @Test
    @Spec("SOFTMAX-NON-NEGATIVE")
    void softmaxIsNonNegative() {
        qt().withExamples(300).forAll(shapesWithDim(1, 4, 5), doubles().between(1e-3, 1e3), seeds()).checkAssert((c, scale, seed) -> {
            float[] y = Softmax.softmax(Generators.randn(seed, scale, c.shape()), c.dim()).toFloatArray();
            for (float v : y) {
                assertTrue(v >= 0, c + ": softmax gave " + v);
            }
        });
    }

    /**
     * "The sum over all components is 1", along the chosen dim. Each slice of n numbers sums, in
     * float32, to within f32SumBound(n + 1, 1) of 1: the softmax of the slice is off by γₙ₊₁ relative in
     * total (its exps, their sum, one division each), and the float32 sum of the result by γₙ₋₁ more.
     * A 0-d tensor, a single slice of one element, has softmax exactly 1.
     */
    @Test
    @Spec("SOFTMAX-SUMS-TO-ONE")
    void softmaxSumsToOneAlongTheChosenDim() {
        qt().withExamples(300).forAll(shapesWithDim(1, 4, 5), doubles().between(1e-3, 1e3), seeds()).checkAssert((c, scale, seed) -> {
            int n = c.shape()[c.wrapped()];
            Tensor sums = Softmax.softmax(Generators.randn(seed, scale, c.shape()), c.dim()).sum(c.dim());
            for (float s : sums.toFloatArray()) {
                assertTrue(Math.abs(s - 1.0) <= Tolerances.f32SumBound(n + 1, 1), c + ": a slice sums to " + s);
            }
            Tensor scalar = Tensor.scalar(scale); // a 0-d tensor is one slice of one element: softmax 1, log 0
            assertEquals(1f, Softmax.softmax(scalar, 0).item(), 0f);
            assertEquals(0f, Softmax.logSoftmax(scalar, -1).item(), 0f);
        });
    }

    /**
     * softmax(x + c) = softmax(x) for a constant c added along the dim — exactly, bit for bit, whenever
     * x + c is itself exact: then (x + c) − max(x + c) = x − max(x), the very numbers softmax starts from.
     * The test keeps it exact by taking x on the grid 2⁻¹⁰ℤ with |x| &lt; 2¹⁰ and c an integer with
     * |c| ≤ 2¹⁰ + 8 (its own c for each slice): every x + c then fits in float32's 24 bits.
     */
    @Test
    @Spec("SOFTMAX-SHIFT-INVARIANT")
    void addingAConstantAlongTheDimChangesNothing() {
        qt().withExamples(300).forAll(shapesWithDim(1, 4, 5), integers().between(-1024, 1024), seeds()).checkAssert((c, shift, seed) -> {
            Tensor x = onGrid(Generators.randn(seed, 100, c.shape()));
            int[] oneAlongDim = Shape.with(c.shape(), c.wrapped(), 1);
            long[] perSlice = new Generator(seed).randint(-8, 9, Shape.numel(oneAlongDim));
            float[] constants = new float[perSlice.length];
            for (int i = 0; i < constants.length; i++) {
                constants[i] = shift + perSlice[i]; // one constant per slice, the same all along the dim
            }
            Tensor shifted = x.add(Tensor.fromFloats(constants, oneAlongDim));
            assertArrayEquals(Softmax.softmax(x, c.dim()).toFloatArray(), Softmax.softmax(shifted, c.dim()).toFloatArray(),
                    c + ", c = " + shift + ": softmax");
            assertArrayEquals(Softmax.logSoftmax(x, c.dim()).toFloatArray(),
                    Softmax.logSoftmax(shifted, c.dim()).toFloatArray(), c + ", c = " + shift + ": log-softmax");
        });
    }

    /**
     * Softmax keeps the order within each slice: xᵢ ≤ xⱼ ⇒ softmax(x)ᵢ ≤ softmax(x)ⱼ (and the same for
     * log-softmax). Not strictly: rounding can make close inputs equal. Ties are included.
     */
    @Test
    @Spec("SOFTMAX-ORDER-PRESERVING")
    void softmaxPreservesOrderWithinEachSlice() {
        qt().withExamples(300).forAll(shapesWithDim(1, 4, 5), doubles().between(1e-3, 1e2), seeds()).checkAssert((c, scale, seed) -> {
            Tensor x = Generators.randn(seed, scale, c.shape());
            if (seed % 2 == 0) {
                x = roundToQuarters(x); // ties, on half the seeds
            }
            float[] in = x.toFloatArray();
            float[] y = Softmax.softmax(x, c.dim()).toFloatArray();
            float[] logY = Softmax.logSoftmax(x, c.dim()).toFloatArray();
            for (int[] slice : slices(c.shape(), c.wrapped())) {
                for (int i : slice) {
                    for (int j : slice) {
                        if (in[i] <= in[j]) {
                            assertTrue(y[i] <= y[j], c + ": x " + in[i] + " ≤ " + in[j] + " but softmax " + y[i] + " > " + y[j]);
                            assertTrue(logY[i] <= logY[j], c + ": x " + in[i] + " ≤ " + in[j] + " but log-softmax "
                                    + logY[i] + " > " + logY[j]);
                        }
                    }
                }
            }
        });
    }

    /**
     * exp(logSoftmax(x)) = softmax(x), elementwise within
     * {@link Tolerances#softmaxVsExpLogSoftmax}: the two take different roads from the same x − max.
     */
    @Test
    @Spec("SOFTMAX-EXP-LOG-SOFTMAX")
    void expOfLogSoftmaxIsSoftmax() {
        qt().withExamples(300).forAll(shapesWithDim(1, 4, 5), doubles().between(1e-3, 1e2), seeds()).checkAssert((c, scale, seed) -> {
            int n = c.shape()[c.wrapped()];
            Tensor x = Generators.randn(seed, scale, c.shape());
            float[] y = Softmax.softmax(x, c.dim()).toFloatArray();
            float[] logY = Softmax.logSoftmax(x, c.dim()).toFloatArray();
            float[] expLogY = Softmax.logSoftmax(x, c.dim()).exp().toFloatArray();
            for (int i = 0; i < y.length; i++) {
                double bound = Tolerances.softmaxVsExpLogSoftmax(DType.FLOAT32, n, y[i], logY[i]);
                assertTrue(Math.abs(expLogY[i] - y[i]) <= bound, c + ", element " + i + ": exp(log-softmax) "
                        + expLogY[i] + ", softmax " + y[i] + " (bound " + bound + ")");
            }
        });
    }

    /**
     * Subtracting the maximum first keeps everything finite: for inputs anywhere in [−10⁴, 10⁴] (where a
     * naive exp overflows float32 beyond 88.7), log-softmax is finite and ≤ 0 and softmax lies in [0, 1].
     */
    @Test
    @Spec("SOFTMAX-LOG-FINITE-FOR-LARGE-INPUTS")
    void logSoftmaxIsFiniteForInputsUpToTenThousand() {
        qt().withExamples(300).forAll(shapesWithDim(1, 4, 5), seeds()).checkAssert((c, seed) -> {
            Tensor x = Generators.uniform(seed, -1e4, 1e4, c.shape());
            for (float v : Softmax.logSoftmax(x, c.dim()).toFloatArray()) {
                assertTrue(Float.isFinite(v) && v <= 0, c + ": log-softmax gave " + v);
            }
            for (float v : Softmax.softmax(x, c.dim()).toFloatArray()) {
                assertTrue(v >= 0 && v <= 1, c + ": softmax gave " + v);
            }
        });
    }

    /**
     * As in PyTorch, a slice that is all −∞, or holds +∞ or NaN, has no distribution: softmax and
     * log-softmax give NaN in every element of that slice, and leave the other slices alone.
     */
    @Test
    @Spec("SOFTMAX-NAN-ROW")
    void aSliceOfMinusInfinitiesOrHoldingInfinityOrNaNGivesNaN() {
        qt().withExamples(300).forAll(shapesWithDim(1, 4, 5), integers().between(0, 2), seeds()).checkAssert((c, poison, seed) -> {
            float[] values = Generators.randn(seed, c.shape()).toFloatArray();
            int[][] slices = slices(c.shape(), c.wrapped());
            int[] bad = slices[(int) Math.floorMod(seed, (long) slices.length)];
            int at = bad[bad.length / 2];
            switch (poison) {
                case 0: for (int i : bad) values[i] = Float.NEGATIVE_INFINITY; break;
                case 1: values[at] = Float.POSITIVE_INFINITY; break;
                default: values[at] = Float.NaN;
            }
            String what = c + ", " + new String[] {"all −inf", "one +inf", "one NaN"}[poison];
            Tensor x = Tensor.fromFloats(values, c.shape());
            for (Tensor y : new Tensor[] {Softmax.softmax(x, c.dim()), Softmax.logSoftmax(x, c.dim())}) {
                float[] out = y.toFloatArray();
                for (int[] slice : slices) {
                    for (int i : slice) {
                        assertEquals(slice == bad, Float.isNaN(out[i]), what + ": element " + i + " is " + out[i]);
                    }
                }
            }
        });
    }

    /**
     * "The non-linearity log softmax does not have parameters!": the module nn.LogSoftmax(dim) has none
     * and computes exactly logSoftmax(x, dim).
     */
    @Test
    @Spec("SOFTMAX-LOG-SOFTMAX-MODULE-HAS-NO-PARAMETERS")
    void theLogSoftmaxModuleHasNoParametersAndIsTheFunction() {
        qt().withExamples(100).forAll(shapesWithDim(1, 4, 5), seeds()).checkAssert((c, seed) -> {
            Tensor x = Generators.randn(seed, 3, c.shape());
            LogSoftmax module = new LogSoftmax(c.dim());
            assertTrue(module.parameters().isEmpty());
            assertArrayEquals(Softmax.logSoftmax(x, c.dim()).toFloatArray(), module.forward(x).toFloatArray(), c.toString());
            assertEquals("LogSoftmax(dim=" + c.dim() + ")", module.toString());
        });
    }

    /**
     * The backend's one-call log-softmax (one kernel on a GPU) is the composed formula (x − m) − log Σ exp(x − m)
     * bit for bit, forward and backward (g − exp(log y)·Σ g), in float32 and float64, also where a slice
     * holds −∞, +∞ or NaN.
     */
    @Test
    @Spec("SOFTMAX-LOG-ONE-CALL-IS-THE-FORMULA")
    void logSoftmaxInOneBackendCallIsTheComposedFormulaBitForBit() {
        float[] specials = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, -0f, 80f};
        qt().withExamples(200).forAll(shapesWithDim(1, 4, 5), doubles().between(1e-3, 1e3), seeds(), integers().between(0, 6))
                .checkAssert((c, scale, seed, special) -> {
                    float[] values = Generators.randn(seed, scale, c.shape()).toFloatArray();
                    if (special < specials.length) {
                        values[(int) Math.floorMod(seed, (long) values.length)] = specials[special];
                    }
                    for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                        int d = c.wrapped();
                        Tensor x = Tensor.fromFloats(values, c.shape()).to(dtype).requiresGrad_(true);
                        Tensor g = Generators.randn(seed + 1, 1, c.shape()).to(dtype);
                        Tensor logY = Softmax.logSoftmax(x, c.dim());
                        logY.backward(g);
                        Tensor xd = x.detach();
                        Tensor s = xd.sub(xd.amax(d, true));
                        Tensor formula = s.sub(s.exp().sum(d, true).log());
                        Tensor formulaGrad = g.sub(formula.exp().mul(g.sum(d, true)));
                        assertArrayEquals(formula.toDoubleArray(), logY.detach().toDoubleArray(), c + " " + dtype);
                        assertArrayEquals(formulaGrad.toDoubleArray(), x.grad().toDoubleArray(), c + " " + dtype + " grad");
                    }
                });
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The flat (row-major) indices of each slice along dim d: for a shape (…outer…, n, …inner…), slice
     * (o, i) holds the n elements (o·n + j)·inner + i, j = 0..n−1.
     */
    static int[][] slices(int[] shape, int d) {
        int outer = Shape.outer(shape, d);
        int inner = Shape.inner(shape, d);
        int n = shape[d];
        int[][] slices = new int[outer * inner][n];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                for (int j = 0; j < n; j++) {
                    slices[o * inner + i][j] = (o * n + j) * inner + i;
                }
            }
        }
        return slices;
    }

    /** x rounded to the grid 2⁻¹⁰ℤ and clamped inside ±(2¹⁰ − 1). */
    private static Tensor onGrid(Tensor x) {
        float[] v = x.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(-1023f, Math.min(1023f, Math.round(v[i] * 1024f) / 1024f));
        }
        return Tensor.fromFloats(v, x.shape());
    }

    private static Tensor roundToQuarters(Tensor x) {
        float[] v = x.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.round(v[i] * 4) / 4f;
        }
        return Tensor.fromFloats(v, x.shape());
    }
}
