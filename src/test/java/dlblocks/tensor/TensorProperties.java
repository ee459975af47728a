package dlblocks.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dlblocks.spec.Spec;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The laws of tensors, over random shapes of rank 0 to 4 and random values. Each property draws a
 * QuickTheories seed and builds everything from it with {@link Random}, so a failure prints the seed
 * that reproduces it; messages add the shapes. References are the plain loops of {@link Reference}.
 */
class TensorProperties {
    private static final int EXAMPLES = 200;

    private static Tensor randomTensor(Random random, int[] shape) {
        return Tensor.fromFloats(Reference.randomFloats(random, Reference.numel(shape)), shape);
    }

    @Test
    @Spec("TENSOR-ANY-RANK-ROW-MAJOR")
    void elementAtAMultiIndexIsTheValueAtItsRowMajorPosition() {
        qt().withExamples(EXAMPLES).forAll(integers().between(0, 4), longs().all()).checkAssert((rank, seed) -> {
            Random random = new Random(seed);
            int[] shape = Reference.randomShape(random, rank, 4);
            float[] values = Reference.randomFloats(random, Reference.numel(shape));
            Tensor t = Tensor.fromFloats(values, shape);
            assertEquals(rank, t.dim());
            assertEquals(values.length, t.numel());
            for (int i = 0; i < values.length; i++) {
                int[] index = Reference.unravel(i, shape);
                assertEquals(values[i], t.get(index), 0.0, "shape " + Arrays.toString(shape) + " at "
                        + Arrays.toString(index));
            }
        });
    }

    @Test
    @Spec("TENSOR-VIEW-SHARES-STORAGE")
    void aWriteThroughAnyViewIsSeenThroughTheTensorItViews() {
        qt().withExamples(EXAMPLES).forAll(integers().between(1, 4), longs().all()).checkAssert((rank, seed) -> {
            Random random = new Random(seed);
            int[] shape = Reference.randomShape(random, rank, 4);
            Tensor x = randomTensor(random, shape);
            int n = x.numel();
            Tensor flat = x.view(-1);
            Tensor back = flat.view(shape);
            int at = random.nextInt(n);
            flat.put_(at, 1000 + at);
            int[] index = Reference.unravel(at, shape);
            String where = "shape " + Arrays.toString(shape) + ", flat index " + at;
            assertEquals(1000 + at, x.get(index), 0.0, where);
            assertEquals(1000 + at, back.get(index), 0.0, where);
            assertArrayEquals(shape, back.shape());
            assertArrayEquals(x.toDoubleArray(), back.toDoubleArray(), where);
        });
    }

    @Test
    @Spec("TENSOR-TRANSPOSE-SWAPS-INDICES")
    void transposeSwapsTwoIndicesAndUndoesItself() {
        qt().withExamples(EXAMPLES).forAll(integers().between(1, 4), longs().all()).checkAssert((rank, seed) -> {
            Random random = new Random(seed);
            int[] shape = Reference.randomShape(random, rank, 4);
            Tensor x = randomTensor(random, shape);
            int d0 = random.nextInt(rank);
            int d1 = random.nextInt(rank);
            Tensor t = x.transpose(d0, d1 - (random.nextBoolean() ? rank : 0));
            for (int i = 0; i < t.numel(); i++) {
                int[] index = Reference.unravel(i, t.shape());
                int[] swapped = index.clone();
                swapped[d0] = index[d1];
                swapped[d1] = index[d0];
                assertEquals(x.get(swapped), t.get(index), 0.0, "shape " + Arrays.toString(shape) + ", dims " + d0
                        + " and " + d1);
            }
            assertArrayEquals(x.toDoubleArray(), t.transpose(d0, d1).toDoubleArray());
        });
    }

    @Test
    @Spec("TENSOR-SELECT-IS-INDEXING")
    void selectEqualsIndexingWithOneIndexFixed() {
        qt().withExamples(EXAMPLES).forAll(integers().between(1, 4), longs().all()).checkAssert((rank, seed) -> {
            Random random = new Random(seed);
            int[] shape = Reference.randomShape(random, rank, 4);
            Tensor x = randomTensor(random, shape);
            int dim = random.nextInt(rank);
            int index = random.nextInt(shape[dim]);
            boolean negative = random.nextBoolean();
            Tensor s = x.select(negative ? dim - rank : dim, negative ? index - shape[dim] : index);
            assertEquals(rank - 1, s.dim());
            for (int i = 0; i < s.numel(); i++) {
                int[] inner = Reference.unravel(i, s.shape());
                int[] outer = new int[rank];
                for (int d = 0, k = 0; d < rank; d++) {
                    outer[d] = d == dim ? index : inner[k++];
                }
                assertEquals(x.get(outer), s.get(inner), 0.0, "shape " + Arrays.toString(shape) + ", select(" + dim
                        + ", " + index + ")");
            }
        });
    }

    @Test
    @Spec("TENSOR-UNSQUEEZE-SQUEEZE")
    void squeezeUndoesUnsqueezeAtEveryPosition() {
        qt().withExamples(EXAMPLES).forAll(integers().between(0, 4), longs().all()).checkAssert((rank, seed) -> {
            Random random = new Random(seed);
            int[] shape = Reference.randomShape(random, rank, 4);
            Tensor x = randomTensor(random, shape);
            int dim = random.nextInt(rank + 1);
            Tensor u = x.unsqueeze(dim);
            assertEquals(rank + 1, u.dim());
            assertEquals(1, u.size(dim));
            Tensor back = u.squeeze(dim);
            assertArrayEquals(shape, back.shape());
            assertArrayEquals(x.toDoubleArray(), u.toDoubleArray());
            assertSame(x.storage(), back.storage());
        });
    }

    @Test
    @Spec("TENSOR-EXPAND-REPEATS-SIZE-ONE-DIMENSIONS")
    void expandReadsEachElementFromItsBroadcastSource() {
        qt().withExamples(EXAMPLES).forAll(integers().between(0, 4), longs().all()).checkAssert((rank, seed) -> {
            Random random = new Random(seed);
            int[] full = Reference.randomShape(random, rank, 4);
            int[] small = Reference.randomBroadcastable(random, full);
            Tensor x = randomTensor(random, small);
            Tensor e = x.expand(full);
            assertArrayEquals(full, e.shape());
            double[] values = x.toDoubleArray();
            for (int i = 0; i < e.numel(); i++) {
                int[] index = Reference.unravel(i, full);
                assertEquals(values[Reference.broadcastSource(index, small)], e.get(index), 0.0,
                        Arrays.toString(small) + " expanded to " + Arrays.toString(full));
            }
        });
    }

    @Test
    @Spec("TENSOR-SUM-IS-A-RUNNING-SUM")
    void float32SumsEqualAPlainFloat32RunningSum() {
        qt().withExamples(EXAMPLES).forAll(integers().between(0, 4), longs().all()).checkAssert((rank, seed) -> {
            Random random = new Random(seed);
            int[] shape = Reference.randomShape(random, rank, 5);
            float[] values = Reference.randomFloats(random, Reference.numel(shape));
            Tensor x = Tensor.fromFloats(values, shape);
            float total = 0;
            for (float v : values) {
                total += v;
            }
            assertEquals(total, x.sum().item(), 0.0, "sum() of shape " + Arrays.toString(shape));
            if (rank == 0) {
                return;
            }
            int dim = random.nextInt(rank);
            boolean keepdim = random.nextBoolean();
            Tensor s = x.sum(dim, keepdim);
            int[] expectedShape = keepdim ? shape.clone() : new int[rank - 1];
            if (keepdim) {
                expectedShape[dim] = 1;
            } else {
                for (int d = 0, k = 0; d < rank; d++) {
                    if (d != dim) expectedShape[k++] = shape[d];
                }
            }
            assertArrayEquals(expectedShape, s.shape());
            float[] expected = alongDim(values, shape, dim, false);
            assertArrayEquals(expected, s.toFloatArray(), "sum(" + dim + ") of shape " + Arrays.toString(shape));
        });
    }

    @Test
    @Spec("TENSOR-MEAN-IS-SUM-OVER-COUNT")
    void meanIsTheRunningSumDividedByTheCountRoundedOnce() {
        qt().withExamples(EXAMPLES).forAll(integers().between(1, 4), longs().all()).checkAssert((rank, seed) -> {
            Random random = new Random(seed);
            int[] shape = Reference.randomShape(random, rank, 5);
            float[] values = Reference.randomFloats(random, Reference.numel(shape));
            Tensor x = Tensor.fromFloats(values, shape);
            float total = 0;
            for (float v : values) {
                total += v;
            }
            assertEquals(total / values.length, x.mean().item(), 0.0, "mean() of " + Arrays.toString(shape));
            int dim = random.nextInt(rank);
            float[] sums = alongDim(values, shape, dim, false);
            float[] means = new float[sums.length];
            for (int i = 0; i < sums.length; i++) {
                means[i] = sums[i] / shape[dim];
            }
            assertArrayEquals(means, x.mean(dim, false).toFloatArray(), "mean(" + dim + ") of "
                    + Arrays.toString(shape));
        });
    }

    @Test
    @Spec("TENSOR-AMAX-ARGMAX-AGREE")
    void argmaxPointsAtTheFirstOccurrenceOfAmax() {
        qt().withExamples(EXAMPLES).forAll(integers().between(1, 4), longs().all()).checkAssert((rank, seed) -> {
            Random random = new Random(seed);
            int[] shape = Reference.randomShape(random, rank, 5);
            float[] values = new float[Reference.numel(shape)];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextInt(4); // few distinct values, so ties happen
            }
            Tensor x = Tensor.fromFloats(values, shape);
            int dim = random.nextInt(rank);
            float[] max = alongDim(values, shape, dim, true);
            assertArrayEquals(max, x.amax(dim, false).toFloatArray());
            long[] argmax = x.argmax(dim).toLongArray();
            int inner = 1;
            for (int d = dim + 1; d < rank; d++) inner *= shape[d];
            for (int o = 0; o < argmax.length; o++) {
                int base = (o / inner) * shape[dim] * inner + o % inner;
                int j = (int) argmax[o];
                assertEquals(max[o], values[base + j * inner], 0.0, "argmax names a largest element");
                for (int earlier = 0; earlier < j; earlier++) {
                    assertTrue(values[base + earlier * inner] < max[o], "argmax is the first largest element");
                }
            }
        });
    }

    /** The running sum (or maximum) along dim, for every position of the other dimensions, row-major. */
    private static float[] alongDim(float[] values, int[] shape, int dim, boolean max) {
        int outer = 1;
        int inner = 1;
        for (int d = 0; d < dim; d++) outer *= shape[d];
        for (int d = dim + 1; d < shape.length; d++) inner *= shape[d];
        float[] out = new float[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                float acc = max ? Float.NEGATIVE_INFINITY : 0;
                for (int j = 0; j < shape[dim]; j++) {
                    float v = values[(o * shape[dim] + j) * inner + i];
                    acc = max ? Math.max(acc, v) : acc + v;
                }
                out[o * inner + i] = acc;
            }
        }
        return out;
    }

    @Test
    @Spec("TENSOR-MATMUL-EQUALS-FLOAT32-LOOP")
    void matmulOfEveryOneAndTwoDimensionalPairEqualsAPlainFloat32Loop() {
        qt().withExamples(EXAMPLES).forAll(integers().between(0, 3), longs().all()).checkAssert((kind, seed) -> {
            Random random = new Random(seed);
            int m = 1 + random.nextInt(5);
            int k = random.nextInt(7); // k = 0 gives zeros
            int n = 1 + random.nextInt(5);
            boolean aIsMatrix = (kind & 2) != 0;
            boolean bIsMatrix = (kind & 1) != 0;
            int rows = aIsMatrix ? m : 1;
            int cols = bIsMatrix ? n : 1;
            float[] a = Reference.randomFloats(random, rows * k);
            float[] b = Reference.randomFloats(random, k * cols);
            Tensor ta = aIsMatrix ? Tensor.fromFloats(a, m, k) : Tensor.fromFloats(a, k);
            Tensor tb = bIsMatrix ? Tensor.fromFloats(b, k, n) : Tensor.fromFloats(b, k);
            Tensor c = ta.matmul(tb);
            int[] expectedShape = aIsMatrix && bIsMatrix ? new int[] {m, n}
                    : aIsMatrix ? new int[] {m} : bIsMatrix ? new int[] {n} : new int[0];
            String what = Arrays.toString(ta.shape()) + " @ " + Arrays.toString(tb.shape());
            assertArrayEquals(expectedShape, c.shape(), what);
            assertArrayEquals(Reference.matmul(a, b, rows, k, cols), c.toFloatArray(), what);
            if (aIsMatrix && bIsMatrix) {
                assertArrayEquals(c.toFloatArray(), ta.mm(tb).toFloatArray(), "mm is matmul for matrices");
            }
        });
    }

    @Test
    @Spec("TENSOR-MM-TRANSPOSED-OPERANDS")
    void mmReadingAnOperandTransposedEqualsMmOfTheTransposedCopy() {
        qt().withExamples(EXAMPLES).forAll(integers().between(0, 3), longs().all()).checkAssert((kind, seed) -> {
            Random random = new Random(seed);
            boolean transA = (kind & 2) != 0;
            boolean transB = (kind & 1) != 0;
            int m = 1 + random.nextInt(5);
            int k = 1 + random.nextInt(6);
            int n = 1 + random.nextInt(5);
            float[] a = Reference.randomFloats(random, m * k); // A, m×k
            float[] b = Reference.randomFloats(random, k * n); // B, k×n
            Tensor storedA = transA ? Tensor.fromFloats(Reference.transpose(a, m, k), k, m) : Tensor.fromFloats(a, m, k);
            Tensor storedB = transB ? Tensor.fromFloats(Reference.transpose(b, k, n), n, k) : Tensor.fromFloats(b, k, n);
            Tensor c = LinearAlgebra.mm(storedA, transA, storedB, transB);
            String what = "transA=" + transA + ", transB=" + transB + ", " + m + "x" + k + "x" + n;
            assertArrayEquals(new int[] {m, n}, c.shape(), what);
            assertArrayEquals(Reference.matmul(a, b, m, k, n), c.toFloatArray(), what);
            Tensor explicit = (transA ? storedA.t() : storedA).mm(transB ? storedB.t() : storedB);
            assertArrayEquals(explicit.toFloatArray(), c.toFloatArray(), what);
        });
    }

    @Test
    @Spec("TENSOR-ADDMM-IS-MM-THEN-ADD")
    void addmmIsTheProductThenTheBiasAddedToEveryRowBitForBit() {
        float[] specials = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MIN_VALUE, 1e38f};
        qt().withExamples(EXAMPLES).forAll(integers().between(0, 7), longs().all()).checkAssert((kind, seed) -> {
            Random random = new Random(seed);
            boolean transA = (kind & 1) != 0;
            boolean transB = (kind & 2) != 0;
            DType dtype = (kind & 4) != 0 ? DType.FLOAT64 : DType.FLOAT32;
            int m = 1 + random.nextInt(5);
            int k = random.nextInt(6); // k = 0: the bias alone, added to +0
            int n = 1 + random.nextInt(5);
            float[] a = Reference.randomFloats(random, m * k);
            float[] b = Reference.randomFloats(random, k * n);
            float[] bias = Reference.randomFloats(random, n);
            for (float[] v : new float[][] {a, b, bias}) {
                for (int i = 0; i < v.length; i++) if (random.nextInt(4) == 0) v[i] = specials[random.nextInt(specials.length)];
            }
            Tensor ta = Tensor.fromFloats(a, transA ? k : m, transA ? m : k).to(dtype).requiresGrad_(true);
            Tensor tb = Tensor.fromFloats(b, transB ? n : k, transB ? k : n).to(dtype).requiresGrad_(true);
            Tensor tBias = Tensor.fromFloats(bias, n).to(dtype).requiresGrad_(true);
            String what = dtype + " transA=" + transA + ", transB=" + transB + ", " + m + "x" + k + "x" + n;
            Tensor fused = LinearAlgebra.addmm(tBias, ta, transA, tb, transB);
            Tensor composed = LinearAlgebra.mm(ta, transA, tb, transB).add(tBias);
            assertArrayEquals(composed.toDoubleArray(), fused.toDoubleArray(), what);
            assertEquals("AddmmBackward0", fused.gradFn().name(), what);
            // the same gradients: the bias's is the sum over rows, as the add's broadcast gives it
            Tensor upstream = Tensor.fromFloats(Reference.randomFloats(random, m * n), m, n).to(dtype);
            Tensor[] leaves = {ta, tb, tBias};
            fused.backward(upstream);
            double[][] viaFused = new double[3][];
            for (int i = 0; i < 3; i++) {
                viaFused[i] = leaves[i].grad().toDoubleArray();
                leaves[i].setGrad(null);
            }
            composed.backward(upstream);
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(leaves[i].grad().toDoubleArray(), viaFused[i], what + ", gradient " + i);
            }
        });
    }

    @Test
    @Spec("TENSOR-ADDMM-IS-MM-THEN-ADD")
    void addmmRefusesABiasThatIsNotOneRowOfTheProductsDtype() {
        Tensor a = Tensor.zeros(2, 3);
        Tensor b = Tensor.zeros(3, 4);
        IllegalArgumentException shape = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LinearAlgebra.addmm(Tensor.zeros(5), a, false, b, false));
        assertEquals("addmm: the bias must have shape [4] to be added to each row of the 2x4 product, got shape [5]",
                shape.getMessage());
        IllegalArgumentException dtype = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LinearAlgebra.addmm(Tensor.zeros(DType.FLOAT64, 4), a, false, b, false));
        assertEquals("addmm: the bias and the matrices must have the same dtype, got float64 and float32",
                dtype.getMessage());
    }

    @Test
    @Spec("TENSOR-GATHER-SCATTER-ADJOINT")
    void gatherAndScatterAddAreAdjoint() {
        // ⟨gather(x, d, idx), y⟩ = ⟨x, scatterAdd(d, idx, y)⟩. Small integers make every sum exact in
        // float64, so the two sides must be equal, not merely close.
        qt().withExamples(EXAMPLES).forAll(integers().between(1, 4), longs().all()).checkAssert((rank, seed) -> {
            Random random = new Random(seed);
            int[] shape = Reference.randomShape(random, rank, 4);
            int dim = random.nextInt(rank);
            int[] indexShape = shape.clone();
            indexShape[dim] = 1 + random.nextInt(5);
            long[] idx = new long[Reference.numel(indexShape)];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = random.nextInt(shape[dim]);
            }
            Tensor index = Tensor.fromLongs(DType.INT64, idx, indexShape);
            double[] xs = Reference.smallIntegers(random, Reference.numel(shape));
            double[] ys = Reference.smallIntegers(random, idx.length);
            Tensor x = Tensor.fromDoubles(DType.FLOAT64, xs, shape);
            Tensor y = Tensor.fromDoubles(DType.FLOAT64, ys, indexShape);
            Tensor gathered = x.gather(dim, index);
            Tensor scattered = Indexing.scatterAdd(shape, dim, index, y);
            String what = "shape " + Arrays.toString(shape) + ", dim " + dim + ", index shape "
                    + Arrays.toString(indexShape);
            for (int i = 0; i < idx.length; i++) {
                int[] at = Reference.unravel(i, indexShape);
                int[] from = at.clone();
                from[dim] = (int) idx[i];
                assertEquals(x.get(from), gathered.get(at), 0.0, "gather reads x at the index: " + what);
            }
            assertEquals(Reference.dot(gathered.toDoubleArray(), ys), Reference.dot(xs, scattered.toDoubleArray()),
                    0.0, what);
            // the variants that trust the index's values (NLLLoss's) compute the same thing
            assertArrayEquals(gathered.toDoubleArray(), Indexing.gatherKnownInRange(x, dim, index).toDoubleArray(), what);
            assertArrayEquals(scattered.toDoubleArray(),
                    Indexing.scatterAddKnownInRange(shape, dim, index, y).toDoubleArray(), what);
        });
    }

    @Test
    @Spec("TENSOR-ELEMENTWISE-OPS-ROUND-ONCE")
    void float32FunctionsAreTheDoubleFormulaRoundedOnce() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Random random = new Random(seed);
            float[] values = Reference.randomFloats(random, 16);
            float[] positive = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                positive[i] = Math.abs(values[i]) + Float.MIN_NORMAL;
            }
            float p = (float) (4 * random.nextDouble() - 2);
            Tensor x = Tensor.fromFloats(values, values.length);
            Tensor y = Tensor.fromFloats(positive, positive.length);
            float[] exp = x.exp().toFloatArray();
            float[] log = y.log().toFloatArray();
            float[] sqrt = y.sqrt().toFloatArray();
            float[] pow = y.pow(p).toFloatArray();
            float[] neg = x.neg().toFloatArray();
            for (int i = 0; i < values.length; i++) {
                String at = "x = " + values[i] + ", y = " + positive[i] + ", p = " + p;
                assertEquals((float) StrictMath.exp(values[i]), exp[i], 0.0f, at);
                assertEquals((float) StrictMath.log(positive[i]), log[i], 0.0f, at);
                assertEquals((float) Math.sqrt(positive[i]), sqrt[i], 0.0f, at);
                assertEquals((float) StrictMath.pow(positive[i], p), pow[i], 0.0f, at);
                assertEquals(-values[i], neg[i], 0.0f, at);
            }
        });
    }
}
