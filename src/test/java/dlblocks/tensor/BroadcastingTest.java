package dlblocks.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dlblocks.Tolerances;
import dlblocks.spec.Spec;
import java.util.Arrays;
import java.util.Random;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Elementwise arithmetic with broadcasting: the result equals a plain loop that applies the float32
 * operation to the elements each output position reads (NumPy's rule, worked out again in
 * {@link Reference}); addition and multiplication commute; a + b − b comes back to a within the bound
 * derived in {@link Tolerances#f32AddSubRoundTripBound}.
 */
class BroadcastingTest {
    private static final int EXAMPLES = 300;

    /** Two random shapes that broadcast together, each of rank up to 4, from one seed. */
    private static int[][] broadcastablePair(Random random) {
        int[] full = Reference.randomShape(random, random.nextInt(5), 4);
        return new int[][] {Reference.randomBroadcastable(random, full), Reference.randomBroadcastable(random, full)};
    }

    private static void checkAgainstLoop(String name, BinaryOperator<Tensor> op, FloatOp reference) {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Random random = new Random(seed);
            int[][] shapes = broadcastablePair(random);
            float[] a = Reference.randomFloats(random, Reference.numel(shapes[0]));
            float[] b = Reference.randomFloats(random, Reference.numel(shapes[1]));
            Tensor out = op.apply(Tensor.fromFloats(a, shapes[0]), Tensor.fromFloats(b, shapes[1]));
            int[] shape = Reference.broadcastShape(shapes[0], shapes[1]);
            String what = name + " of " + Arrays.toString(shapes[0]) + " and " + Arrays.toString(shapes[1]);
            assertArrayEquals(shape, out.shape(), what);
            float[] got = out.toFloatArray();
            for (int i = 0; i < got.length; i++) {
                int[] index = Reference.unravel(i, shape);
                float x = a[Reference.broadcastSource(index, shapes[0])];
                float y = b[Reference.broadcastSource(index, shapes[1])];
                assertEquals(reference.apply(x, y), got[i], 0.0f, what + " at " + Arrays.toString(index));
            }
        });
    }

    /** A float32 operation as plain Java float arithmetic computes it. */
    @FunctionalInterface
    private interface FloatOp {
        float apply(float x, float y);
    }

    @Test
    @Spec("TENSOR-BROADCAST-EQUALS-LOOP")
    void broadcastAdditionEqualsAPlainFloat32Loop() {
        checkAgainstLoop("add", Tensor::add, (x, y) -> x + y);
    }

    @Test
    @Spec("TENSOR-BROADCAST-EQUALS-LOOP")
    void broadcastSubtractionEqualsAPlainFloat32Loop() {
        checkAgainstLoop("sub", Tensor::sub, (x, y) -> x - y);
    }

    @Test
    @Spec("TENSOR-BROADCAST-EQUALS-LOOP")
    void broadcastMultiplicationEqualsAPlainFloat32Loop() {
        checkAgainstLoop("mul", Tensor::mul, (x, y) -> x * y);
    }

    @Test
    @Spec("TENSOR-BROADCAST-EQUALS-LOOP")
    void broadcastDivisionEqualsAPlainFloat32Loop() {
        checkAgainstLoop("div", Tensor::div, (x, y) -> x / y);
    }

    @Test
    @Spec("TENSOR-BROADCAST-EQUALS-LOOP")
    void broadcastMaximumEqualsAPlainFloat32Loop() {
        checkAgainstLoop("maximum", Tensor::maximum, Math::max);
    }

    @Test
    @Spec("TENSOR-BROADCAST-EQUALS-LOOP")
    void theBroadcastShapeFollowsNumPysRule() {
        assertArrayEquals(new int[] {2, 3}, Shape.broadcast(new int[] {2, 1}, new int[] {3}));
        assertArrayEquals(new int[] {4, 2, 3}, Shape.broadcast(new int[] {4, 1, 3}, new int[] {2, 1}));
        assertArrayEquals(new int[] {5}, Shape.broadcast(new int[0], new int[] {5}));
        assertArrayEquals(new int[] {0, 3}, Shape.broadcast(new int[] {0, 1}, new int[] {3}), "size 0 broadcasts too");
        assertThrows(IllegalArgumentException.class, () -> Shape.broadcast(new int[] {2}, new int[] {3}));
        Tensor sum = Tensor.of(new double[][] {{10}, {20}}).add(Tensor.of(1, 2, 3));
        assertArrayEquals(new double[] {11, 12, 13, 21, 22, 23}, sum.toDoubleArray());
    }

    @Test
    @Spec("TENSOR-ADD-MUL-COMMUTE")
    void additionAndMultiplicationCommuteExactly() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Random random = new Random(seed);
            int[][] shapes = broadcastablePair(random);
            Tensor a = Tensor.fromFloats(Reference.randomFloats(random, Reference.numel(shapes[0])), shapes[0]);
            Tensor b = Tensor.fromFloats(Reference.randomFloats(random, Reference.numel(shapes[1])), shapes[1]);
            String what = Arrays.toString(shapes[0]) + " and " + Arrays.toString(shapes[1]);
            assertArrayEquals(a.add(b).toFloatArray(), b.add(a).toFloatArray(), "a + b = b + a for " + what);
            assertArrayEquals(a.mul(b).toFloatArray(), b.mul(a).toFloatArray(), "a * b = b * a for " + what);
            assertArrayEquals(a.maximum(b).toFloatArray(), b.maximum(a).toFloatArray(), what);
        });
    }

    @Test
    @Spec("TENSOR-ADD-SUB-ROUND-TRIP")
    void addingThenSubtractingTheSameTensorComesBackWithinTheRoundingBound() {
        qt().withExamples(EXAMPLES).forAll(integers().between(-20, 20), longs().all()).checkAssert((scale, seed) -> {
            Random random = new Random(seed);
            int[] shape = Reference.randomShape(random, random.nextInt(5), 4);
            int[] other = Reference.randomBroadcastable(random, shape);
            float[] a = Reference.randomFloats(random, Reference.numel(shape));
            float[] b = Reference.randomFloats(random, Reference.numel(other));
            float factor = (float) Math.scalb(1.0, scale); // b may be far larger or smaller than a
            for (int i = 0; i < b.length; i++) {
                b[i] *= factor;
            }
            Tensor tb = Tensor.fromFloats(b, other);
            float[] back = Tensor.fromFloats(a, shape).add(tb).sub(tb).toFloatArray();
            for (int i = 0; i < a.length; i++) {
                float y = b[Reference.broadcastSource(Reference.unravel(i, shape), other)];
                double bound = Tolerances.f32AddSubRoundTripBound(a[i], y);
                assertTrue(Math.abs(back[i] - a[i]) <= bound, "a = " + a[i] + ", b = " + y + ": (a + b) - b = "
                        + back[i] + ", off by " + Math.abs(back[i] - a[i]) + " > " + bound);
            }
        });
    }

    @Test
    @Spec("TENSOR-ADD-SUB-ROUND-TRIP")
    void theRoundTripBoundIsReachedSoItIsNotLoose() {
        // a = 1, b = 2²⁴: a + b = 2²⁴ + 1 rounds to 2²⁴ (tie to even), and (a + b) − b = 0, off by exactly 1.
        // The bound u·|a| + u(1 + u)·|a + b| = 2⁻²⁴ + (1 + 2⁻²⁴)(1 + 2⁻²⁴) is just above 1.
        float a = 1;
        float b = 0x1p24f;
        Tensor tb = Tensor.of(b);
        double error = Math.abs(Tensor.of(a).add(tb).sub(tb).item() - a);
        assertEquals(1.0, error, 0.0);
        assertTrue(error <= Tolerances.f32AddSubRoundTripBound(a, b));
        assertTrue(error > Tolerances.f32AddSubRoundTripBound(a, b) / 1.01, "the bound is tight here");
    }

    @Test
    @Spec("TENSOR-BROADCAST-EQUALS-LOOP")
    void addWithAlphaRoundsOnceAsPyTorchsFusedMultiplyAddDoes() {
        // alpha·b = (1 + 2⁻¹²)(1 − 4095·2⁻²⁴) = 1 + 2⁻³⁶ exactly, so a + alpha·b = 2²⁴ + 1 + 2⁻³⁶, just above
        // the float32 midpoint 2²⁴ + 1: rounded once it is 2²⁴ + 2, as torch.add(a, b, alpha=alpha) and
        // a.add_(b, alpha=alpha) give in PyTorch 1.13 (printed: 2.0 above a, for 1, 8, 16 and 17 elements).
        // Rounded first to double (2²⁴ + 1, the midpoint) and then to float32 (ties to even) it would be 2²⁴.
        float a = 0x1p24f;
        float b = 1 - 4095 * 0x1p-24f;
        float alpha = 1 + 0x1p-12f;
        for (int n : new int[] {1, 17}) {
            Tensor ta = Tensor.full(a, DType.FLOAT32, Device.CPU, n);
            Tensor tb = Tensor.full(b, DType.FLOAT32, Device.CPU, n);
            for (float v : ta.add(tb, alpha).toFloatArray()) {
                assertEquals(0x1p24f + 2, v, 0.0f, "add(other, alpha)");
            }
            for (float v : ta.add_(tb, alpha).toFloatArray()) {
                assertEquals(0x1p24f + 2, v, 0.0f, "add_(other, alpha)");
            }
        }
    }

    @Test
    @Spec("TENSOR-BROADCAST-EQUALS-LOOP")
    void addWithAlphaIsOneFusedStep() {
        // torch.add(a, b, alpha=s) computes a + s·b rounded once (vec::fmadd); Math.fma(float...) does the same.
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Random random = new Random(seed);
            float[] a = Reference.randomFloats(random, 8);
            float[] b = Reference.randomFloats(random, 8);
            float alpha = (float) random.nextGaussian();
            float[] got = Tensor.fromFloats(a, 8).add(Tensor.fromFloats(b, 8), alpha).toFloatArray();
            for (int i = 0; i < 8; i++) {
                assertEquals(Math.fma(alpha, b[i], a[i]), got[i], 0.0f, "a = " + a[i] + ", b = " + b[i] + ", alpha = "
                        + alpha);
            }
        });
    }
}
