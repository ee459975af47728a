package dlblocks.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dlblocks.autograd.NoGrad;
import dlblocks.spec.Spec;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * In-place operations ({@code add_}, {@code mul_}, ...): each changes the tensor's own storage to what a
 * plain float32 loop computes, returns the tensor itself, and is refused while grad mode would need the
 * old values — on a leaf that requires grad with PyTorch's message.
 */
class InPlaceTest {
    private static final int EXAMPLES = 200;

    /** An operand for a tensor of {@code shape}: the same shape, or one that broadcasts to it. */
    private static int[] operandShape(Random random, int[] shape) {
        return random.nextBoolean() ? shape : Reference.randomBroadcastable(random, shape);
    }

    @FunctionalInterface
    private interface Update {
        float apply(float self, float x, float y);
    }

    /** Runs {@code op} on a random tensor with two random operands and compares with the loop. */
    private static void check(String name, TriOp op, Update reference, boolean positiveOperands) {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Random random = new Random(seed);
            int[] shape = Reference.randomShape(random, random.nextInt(4), 4);
            int[] sx = operandShape(random, shape);
            int[] sy = operandShape(random, shape);
            float[] self = Reference.randomFloats(random, Reference.numel(shape));
            float[] x = Reference.randomFloats(random, Reference.numel(sx));
            float[] y = Reference.randomFloats(random, Reference.numel(sy));
            if (positiveOperands) {
                for (int i = 0; i < y.length; i++) y[i] = Math.abs(y[i]) + 0.5f;
                for (int i = 0; i < self.length; i++) self[i] = Math.abs(self[i]);
            }
            Tensor t = Tensor.fromFloats(self, shape);
            Tensor result = op.apply(t, Tensor.fromFloats(x, sx), Tensor.fromFloats(y, sy));
            assertSame(t, result, name + " returns the tensor itself");
            float[] got = t.toFloatArray();
            String what = name + " on " + Arrays.toString(shape) + " with " + Arrays.toString(sx) + " and "
                    + Arrays.toString(sy);
            for (int i = 0; i < got.length; i++) {
                int[] index = Reference.unravel(i, shape);
                float expected = reference.apply(self[i], x[Reference.broadcastSource(index, sx)],
                        y[Reference.broadcastSource(index, sy)]);
                assertEquals(expected, got[i], 0.0f, what + " at " + Arrays.toString(index));
            }
        });
    }

    @FunctionalInterface
    private interface TriOp {
        Tensor apply(Tensor self, Tensor x, Tensor y);
    }

    @Test
    @Spec("TENSOR-IN-PLACE-OPS-MATCH-LOOPS")
    void addInPlaceAddsTheBroadcastOperand() {
        check("add_", (t, x, y) -> t.add_(x), (s, x, y) -> s + x, false);
        check("add_(alpha = -0.1)", (t, x, y) -> t.add_(x, -0.1), (s, x, y) -> Math.fma(-0.1f, x, s), false);
        check("add_(0.3)", (t, x, y) -> t.add_(0.3), (s, x, y) -> s + 0.3f, false);
    }

    @Test
    @Spec("TENSOR-IN-PLACE-OPS-MATCH-LOOPS")
    void mulDivAndMaximumInPlaceMatchTheLoop() {
        check("mul_", (t, x, y) -> t.mul_(x), (s, x, y) -> s * x, false);
        check("mul_(0.9)", (t, x, y) -> t.mul_(0.9), (s, x, y) -> s * 0.9f, false);
        check("div_", (t, x, y) -> t.div_(y), (s, x, y) -> s / y, true);
        check("maximum_", (t, x, y) -> t.maximum_(x), (s, x, y) -> Math.max(s, x), false);
        check("sqrt_", (t, x, y) -> t.sqrt_(), (s, x, y) -> (float) Math.sqrt(s), true);
    }

    @Test
    @Spec("TENSOR-IN-PLACE-OPS-MATCH-LOOPS")
    void addcmulAndAddcdivFollowPyTorchsOrderOfOperations() {
        // PyTorch's CPU kernels: self + value * t1 * t2 and self + value * t1 / t2, left to right in float32.
        check("addcmul_", (t, x, y) -> t.addcmul_(x, y, 0.25), (s, x, y) -> s + 0.25f * x * y, false);
        check("addcmul_(0.1)", (t, x, y) -> t.addcmul_(x, y, 0.1), (s, x, y) -> s + 0.1f * x * y, false);
        check("addcdiv_", (t, x, y) -> t.addcdiv_(x, y, -0.01), (s, x, y) -> s + -0.01f * x / y, true);
    }

    @Test
    @Spec("TENSOR-IN-PLACE-OPS-MATCH-LOOPS")
    void copyInPlaceCopiesTheBroadcastSourceConvertedToTheOwnDtype() {
        check("copy_", (t, x, y) -> t.copy_(x), (s, x, y) -> x, false);
        Tensor d = Tensor.zeros(DType.FLOAT64, 2);
        d.copy_(Tensor.of(0.1, 2));
        assertArrayEquals(new double[] {(float) 0.1, 2}, d.toDoubleArray(), "float32 values widen exactly");
        Tensor l = Tensor.longs(0, 0);
        l.copy_(Tensor.of(2.7, -2.7));
        assertArrayEquals(new long[] {2, -2}, l.toLongArray(), "floats truncate into int64");
    }

    @Test
    @Spec("TENSOR-IN-PLACE-OPS-MATCH-LOOPS")
    void aFloat64OperandIsAddedInDoublePrecisionAndRoundedOnce() {
        // PyTorch 1.13: a = tensor([1., 2.]); a.add_(tensor([0.1, 0.2], dtype=float64)) gives
        // [1.100000023841858, 2.200000047683716], and with alpha=3 [1.2999999523162842, 2.5999999046325684].
        Tensor wide = Tensor.fromDoubles(DType.FLOAT64, new double[] {0.1, 0.2}, 2);
        assertArrayEquals(new float[] {(float) (1 + 0.1), (float) (2 + 0.2)}, Tensor.of(1, 2).add_(wide).toFloatArray());
        assertArrayEquals(new double[] {1.100000023841858, 2.200000047683716}, Tensor.of(1, 2).add_(wide).toDoubleArray());
        assertArrayEquals(new double[] {1.2999999523162842, 2.5999999046325684},
                Tensor.of(1, 2).add_(wide, 3).toDoubleArray());
    }

    @Test
    @Spec("TENSOR-IN-PLACE-OPS-MATCH-LOOPS")
    void fillZeroAndPutSetValues() {
        Tensor t = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
        assertSame(t, t.fill_(0.5));
        assertArrayEquals(new double[] {0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, t.toDoubleArray());
        assertSame(t, t.put_(4, 9));
        assertEquals(9, t.get(1, 1), 0.0, "put_ takes a flat row-major index");
        assertSame(t, t.zero_());
        assertArrayEquals(new double[6], t.toDoubleArray());
        Tensor i = Tensor.longs(1, 2);
        i.put_(1, 7);
        assertArrayEquals(new long[] {1, 7}, i.toLongArray());
        assertEquals((double) 0.1f, Tensor.zeros(1).put_(0, 0.1).item(), 0.0, "rounded to the dtype");
    }

    /** Every in-place operation, each with operands that change [0.25, 0.5]. */
    private static Consumer<Tensor>[] everyOp() {
        Tensor other = Tensor.of(1, 2);
        @SuppressWarnings("unchecked")
        Consumer<Tensor>[] ops = new Consumer[] {
            (Consumer<Tensor>) t -> t.add_(other), (Consumer<Tensor>) t -> t.add_(other, 2),
            (Consumer<Tensor>) t -> t.add_(1.0), (Consumer<Tensor>) t -> t.mul_(other),
            (Consumer<Tensor>) t -> t.mul_(2.0), (Consumer<Tensor>) t -> t.div_(other),
            (Consumer<Tensor>) t -> t.addcmul_(other, other, 1), (Consumer<Tensor>) t -> t.addcdiv_(other, other, 1),
            (Consumer<Tensor>) t -> t.copy_(other), (Consumer<Tensor>) t -> t.fill_(3),
            (Consumer<Tensor>) Tensor::zero_, (Consumer<Tensor>) t -> t.put_(0, 1),
            (Consumer<Tensor>) t -> t.maximum_(other), (Consumer<Tensor>) Tensor::sqrt_,
        };
        return ops;
    }

    @Test
    @Spec("TENSOR-IN-PLACE-REFUSED-WHILE-RECORDING")
    void everyInPlaceOperationIsRefusedOnALeafThatRequiresGradWithPyTorchsMessage() {
        assertEquals(14, everyOp().length);
        for (Consumer<Tensor> op : everyOp()) {
            Tensor w = Tensor.of(0.25, 0.5).requiresGrad_(true);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> op.accept(w));
            assertTrue(e.getMessage().startsWith(
                    "a leaf Variable that requires grad is being used in an in-place operation"), e.getMessage());
            assertArrayEquals(new double[] {0.25, 0.5}, w.toDoubleArray(), "a refused operation changes nothing");
        }
    }

    @Test
    @Spec("TENSOR-IN-PLACE-REFUSED-WHILE-RECORDING")
    void theRefusalNamesTheOperation() {
        Tensor w = Tensor.of(4, 9).requiresGrad_(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.addcdiv_(w, w, 1));
        assertEquals("a leaf Variable that requires grad is being used in an in-place operation (addcdiv_)",
                e.getMessage());
    }

    @Test
    @Spec("TENSOR-IN-PLACE-REFUSED-WHILE-RECORDING")
    void underNoGradEveryInPlaceOperationChangesALeafThatRequiresGrad() {
        for (Consumer<Tensor> op : everyOp()) {
            Tensor w = Tensor.of(0.25, 0.5).requiresGrad_(true);
            try (NoGrad scope = new NoGrad()) {
                op.accept(w);
            }
            assertTrue(w.get(0) != 0.25 || w.get(1) != 0.5, "the update happened");
            assertTrue(w.requiresGrad() && w.isLeaf(), "and w is still a leaf that requires grad");
        }
    }

    @Test
    @Spec("TENSOR-IN-PLACE-REFUSED-WHILE-RECORDING")
    void inPlaceOperationsOnAResultInTheGraphAreRefusedToo() {
        Tensor y = Tensor.of(4, 9).requiresGrad_(true).mul(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.add_(1.0));
        assertEquals("in-place operation add_ on a tensor that is part of the graph is not supported by dlblocks; "
                + "use the out-of-place form", e.getMessage());
        Tensor plain = Tensor.of(4, 9);
        plain.add_(1.0);
        assertArrayEquals(new double[] {5, 10}, plain.toDoubleArray(), "tensors outside the graph change freely");
    }
}
