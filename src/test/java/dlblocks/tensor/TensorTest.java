package dlblocks.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlblocks.autograd.NoGrad;
import dlblocks.random.Generator;
import dlblocks.spec.Spec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tensors by example: creation, dtypes, views, reductions, conversions. Every expected value here is a
 * literal worked out by hand (or printed by PyTorch 1.13, where the comment says so), never one computed
 * by the code under test. The general laws are in {@link TensorProperties} and {@link BroadcastingTest}.
 */
class TensorTest {

    // ------------------------------------------------------------------ creation and dtypes

    @Test
    @Spec("TENSOR-FLOAT32-BY-DEFAULT")
    void factoriesMakeFloat32TensorsOnTheCpuUnlessAskedOtherwise() {
        List<Tensor> defaults = List.of(Tensor.zeros(2, 3), Tensor.ones(2), Tensor.of(1, 2),
                Tensor.of(new double[][] {{1, 2}, {3, 4}}), Tensor.scalar(1), Tensor.randn(new Generator(1), 3),
                Tensor.rand(new Generator(1), 3), Tensor.fromFloats(new float[] {1}, 1));
        for (Tensor t : defaults) {
            assertEquals(DType.FLOAT32, t.dtype(), t.toString());
            assertEquals(Device.CPU, t.device());
            assertFalse(t.requiresGrad());
            assertTrue(t.isLeaf());
            assertNull(t.grad());
        }
        assertEquals(DType.FLOAT64, Tensor.zeros(DType.FLOAT64, 2).dtype());
        assertEquals(DType.FLOAT64, Tensor.ones(DType.FLOAT64, 2).dtype());
        assertEquals(DType.FLOAT64, Tensor.randnDouble(new Generator(1), 2).dtype());
        assertEquals(DType.INT64, Tensor.longs(1, 2).dtype());
        assertEquals(DType.INT32, Tensor.fromLongs(DType.INT32, new long[] {1}, 1).dtype());
    }

    @Test
    @Spec("TENSOR-FACTORIES-FILL-AS-NAMED")
    void zerosOnesAndFullHoldTheirValueInEveryElement() {
        assertArrayEquals(new double[] {0, 0, 0, 0, 0, 0}, Tensor.zeros(2, 3).toDoubleArray());
        assertArrayEquals(new double[] {1, 1, 1, 1}, Tensor.ones(2, 2).toDoubleArray());
        assertArrayEquals(new double[] {1, 1}, Tensor.ones(DType.FLOAT64, 2).toDoubleArray());
        Tensor full = Tensor.full(2.5, DType.FLOAT64, Device.CPU, 3, 1);
        assertArrayEquals(new int[] {3, 1}, full.shape());
        assertArrayEquals(new double[] {2.5, 2.5, 2.5}, full.toDoubleArray());
        assertArrayEquals(new long[] {7, 7}, Tensor.full(7, DType.INT64, Device.CPU, 2).toLongArray());
        assertArrayEquals(new double[] {0}, Tensor.zeros().toDoubleArray(), "a 0-d tensor holds one element");
        assertEquals(0, Tensor.zeros(2, 0, 3).numel());
    }

    @Test
    @Spec("TENSOR-FACTORIES-FILL-AS-NAMED")
    void zerosLikeAndOnesLikeKeepShapeAndDtype() {
        Tensor x = Tensor.fromDoubles(DType.FLOAT64, new double[] {5, 6, 7, 8, 9, 10}, 3, 2);
        Tensor z = Tensor.zerosLike(x);
        Tensor o = Tensor.onesLike(x);
        assertArrayEquals(new int[] {3, 2}, z.shape());
        assertArrayEquals(new int[] {3, 2}, o.shape());
        assertEquals(DType.FLOAT64, z.dtype());
        assertEquals(DType.FLOAT64, o.dtype());
        assertArrayEquals(new double[6], z.toDoubleArray());
        assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1}, o.toDoubleArray());
        assertArrayEquals(new double[] {5, 6, 7, 8, 9, 10}, x.toDoubleArray(), "the source is untouched");
    }

    @Test
    @Spec("TENSOR-VALUES-ROUND-TO-DTYPE")
    void valuesAreRoundedOnceToTheDtype() {
        double tenth = 0.1;
        assertEquals((double) (float) tenth, Tensor.of(tenth).item(), 0.0, "float32 holds 0.1 rounded to 24 bits");
        assertEquals(tenth, Tensor.fromDoubles(DType.FLOAT64, new double[] {tenth}, 1).item(), 0.0);
        assertArrayEquals(new float[] {0.1f, -3.5f}, Tensor.fromFloats(new float[] {0.1f, -3.5f}, 2).toFloatArray());
        // A float64 tensor read as float32 rounds to nearest; read as int64 truncates toward zero.
        Tensor d = Tensor.fromDoubles(DType.FLOAT64, new double[] {3.7, -3.7, 2.5}, 3);
        assertArrayEquals(new float[] {3.7f, -3.7f, 2.5f}, d.toFloatArray());
        assertArrayEquals(new long[] {3, -3, 2}, d.toLongArray());
        assertArrayEquals(new double[] {1, 0, 1},
                Tensor.fromLongs(DType.BOOL, new long[] {5, 0, -1}, 3).toDoubleArray(), "bool holds 0 or 1");
    }

    @Test
    @Spec("TENSOR-INT64-EXACT")
    void int64TensorsHoldEveryLongExactly() {
        long big = (1L << 53) + 1; // the first long a double cannot hold
        long[] values = {big, -big, Long.MAX_VALUE, Long.MIN_VALUE, 0};
        Tensor t = Tensor.longs(values);
        assertArrayEquals(values, t.toLongArray());
        assertArrayEquals(values, t.clone().toLongArray(), "clone copies longs exactly");
        Tensor copy = Tensor.fromLongs(DType.INT64, new long[5], 5);
        copy.copy_(t);
        assertArrayEquals(values, copy.toLongArray(), "copy_ copies longs exactly");
        assertArrayEquals(new long[] {big}, Tensor.fromLongs(DType.INT64, new long[] {big}, 1, 1).toLongArray());
    }

    @Test
    @Spec("TENSOR-INT64-EXACT")
    void classTargetsAreInt64Tensors() {
        Tensor target = Tensor.longs(0, 1, 1);
        assertEquals(DType.INT64, target.dtype());
        assertArrayEquals(new int[] {3}, target.shape());
        assertArrayEquals(new long[] {0, 1, 1}, target.toLongArray());
        assertEquals(1.0, target.get(2), 0.0);
    }

    @Test
    @Spec("TENSOR-RANDOM-FACTORIES-DRAW-FROM-THE-GENERATOR")
    void randomFactoriesDrawFromTheGeneratorTheyAreGiven() {
        float[] expected = new Generator(7).randn(6);
        Tensor t = Tensor.randn(new Generator(7), 2, 3);
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(expected, t.toFloatArray());
        assertArrayEquals(new Generator(7).randnDouble(4), Tensor.randnDouble(new Generator(7), 2, 2).toDoubleArray());
        float[] uniform = Tensor.rand(new Generator(7), 100).toFloatArray();
        assertArrayEquals(new Generator(7).rand(100), uniform);
        for (float u : uniform) {
            assertTrue(u >= 0 && u < 1, "rand draws from [0, 1): " + u);
        }
    }

    @Test
    @Spec("TENSOR-RANDOM-FACTORIES-DRAW-FROM-THE-GENERATOR")
    void randnAndRandWithoutAGeneratorUseTheDefaultOne() {
        Generator.DEFAULT.manualSeed(3);
        float[] normal = Tensor.randn(4).toFloatArray();
        float[] uniform = Tensor.rand(2, 2).toFloatArray();
        Generator same = new Generator(3);
        assertArrayEquals(same.randn(4), normal);
        assertArrayEquals(same.rand(4), uniform);
        Generator.DEFAULT.manualSeed(1);
    }

    // ------------------------------------------------------------------ rank, layout, metadata

    @Test
    @Spec("TENSOR-ANY-RANK-ROW-MAJOR")
    void aZeroDimensionalTensorHoldsOneValue() {
        Tensor s = Tensor.scalar(2.5);
        assertEquals(0, s.dim());
        assertArrayEquals(new int[0], s.shape());
        assertEquals(1, s.numel());
        assertEquals(2.5, s.item(), 0.0);
        assertEquals(2.5, s.get(), 0.0);
        assertEquals(2.5, Tensor.of(new double[][] {{2.5}}).item(), 0.0, "item() reads any one-element tensor");
    }

    @Test
    @Spec("TENSOR-ANY-RANK-ROW-MAJOR")
    void elementsAreStoredRowMajorLastIndexFastest() {
        Tensor t = Tensor.fromDoubles(DType.FLOAT32, new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 2, 3, 2);
        assertEquals(3, t.dim());
        assertEquals(0, t.get(0, 0, 0), 0.0);
        assertEquals(1, t.get(0, 0, 1), 0.0);
        assertEquals(2, t.get(0, 1, 0), 0.0);
        assertEquals(6, t.get(1, 0, 0), 0.0);
        assertEquals(11, t.get(1, 2, 1), 0.0);
        assertEquals(11, t.get(-1, -1, -1), 0.0, "negative indices count from the end");
        assertEquals(3, t.size(1));
        assertEquals(2, t.size(-1));
        assertArrayEquals(new int[] {2, 3, 2}, t.size());
        Tensor rows = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, rows.toDoubleArray());
        assertEquals(6, rows.get(1, 2), 0.0);
    }

    @Test
    @Spec("TENSOR-ANY-RANK-ROW-MAJOR")
    void shapeReturnsACopy() {
        Tensor t = Tensor.zeros(2, 3);
        int[] shape = t.shape();
        shape[0] = 99;
        assertArrayEquals(new int[] {2, 3}, t.shape());
    }

    @Test
    @Spec("TENSOR-ANY-RANK-ROW-MAJOR")
    void wrapPutsAShapeOnAStorageOfTheSameSize() {
        Tensor t = Tensor.of(1, 2, 3, 4);
        Tensor w = Tensor.wrap(t.storage(), 2, 2);
        assertSame(t.storage(), w.storage());
        assertEquals(4, w.get(1, 1), 0.0);
        assertSame(Backends.of(Device.CPU), t.backend());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(t.storage(), 3));
        assertEquals("shape [3] does not fit a storage of 4 elements", e.getMessage());
    }

    @Test
    @Spec("TENSOR-ANY-RANK-ROW-MAJOR")
    void cpuStorageKeepsEachDtypeInItsOwnArray() {
        CpuStorage f = (CpuStorage) Tensor.of(1.5).storage();
        assertArrayEquals(new float[] {1.5f}, f.floatArray());
        assertEquals(Device.CPU, f.device());
        f.release(); // nothing to free on the host
        assertEquals(1.5, f.get(0), 0.0);
        CpuStorage d = (CpuStorage) Tensor.zeros(DType.FLOAT64, 1).storage();
        IllegalStateException e = assertThrows(IllegalStateException.class, d::floatArray);
        assertEquals("expected a float32 storage, found float64", e.getMessage());
    }

    // ------------------------------------------------------------------ views

    @Test
    @Spec("TENSOR-VIEW-SHARES-STORAGE")
    void writingThroughAViewIsSeenThroughTheOriginalAndBack() {
        Tensor x = Tensor.zeros(2, 3);
        Tensor v = x.view(3, 2);
        Tensor r = x.reshape(6);
        Tensor d = x.detach();
        v.put_(5, 7); // v[2][1], the last element
        assertEquals(7, x.get(1, 2), 0.0);
        assertEquals(7, r.get(5), 0.0);
        assertEquals(7, d.get(1, 2), 0.0);
        x.fill_(1);
        assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1}, v.toDoubleArray());
        assertSame(x.storage(), v.storage());
        assertSame(x.storage(), x.unsqueeze(0).storage());
    }

    @Test
    @Spec("TENSOR-VIEW-INFERS-ONE-SIZE")
    void viewInfersTheOneSizeGivenAsMinusOne() {
        Tensor x = Tensor.zeros(2, 6);
        assertArrayEquals(new int[] {12}, x.view(-1).shape());
        assertArrayEquals(new int[] {3, 4}, x.view(3, -1).shape());
        assertArrayEquals(new int[] {2, 1, 6}, x.view(-1, 1, 6).shape());
        assertArrayEquals(new int[] {1, 12}, x.reshape(1, -1).shape(), "the tutorial's vec.view(1, -1)");
        assertArrayEquals(new int[0], Tensor.of(3).view().shape(), "one element views as 0-d");
        assertArrayEquals(new int[] {0, 5}, Tensor.zeros(0, 5).view(-1, 5).shape());
    }

    @Test
    @Spec("TENSOR-UNSQUEEZE-SQUEEZE")
    void unsqueezeInsertsASizeOneDimensionAndSqueezeRemovesIt() {
        Tensor x = Tensor.of(1, 2, 3);
        assertArrayEquals(new int[] {1, 3}, x.unsqueeze(0).shape());
        assertArrayEquals(new int[] {3, 1}, x.unsqueeze(1).shape());
        assertArrayEquals(new int[] {3, 1}, x.unsqueeze(-1).shape());
        assertArrayEquals(new int[] {3}, x.unsqueeze(1).squeeze(1).shape());
        assertArrayEquals(new int[] {3}, x.unsqueeze(0).squeeze(-2).shape());
        assertSame(x, x.squeeze(0), "squeezing a dimension whose size is not 1 changes nothing");
        Tensor s = Tensor.scalar(4);
        assertSame(s, s.squeeze(0));
        assertArrayEquals(new int[] {1}, s.unsqueeze(0).shape());
        assertArrayEquals(new double[] {1, 2, 3}, x.unsqueeze(1).toDoubleArray());
    }

    @Test
    @Spec("TENSOR-SELECT-IS-INDEXING")
    void selectAlongDimensionOneIsAColumn() {
        // w[:, j] in the tutorial: next(model.parameters())[:, word_to_ix["creo"]]
        Tensor w = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
        assertArrayEquals(new double[] {2, 5}, w.select(1, 1).toDoubleArray());
        assertArrayEquals(new double[] {3, 6}, w.select(1, -1).toDoubleArray());
        assertArrayEquals(new double[] {4, 5, 6}, w.select(0, 1).toDoubleArray());
        assertArrayEquals(new int[] {2}, w.select(1, 0).shape());
        assertEquals(5, Tensor.of(4, 5).select(0, 1).item(), 0.0);
        assertEquals(0, Tensor.of(4, 5).select(0, 1).dim());
    }

    @Test
    @Spec("TENSOR-SELECT-IS-INDEXING")
    void aSelectedColumnOfAParameterRecordsSelectBackward0AndItsGradientLandsInThatColumn() {
        Tensor w = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}}).requiresGrad_(true);
        Tensor column = w.select(1, 2);
        assertEquals("SelectBackward0", column.gradFn().name());
        column.backward(Tensor.of(10, 20));
        assertArrayEquals(new double[] {0, 0, 10, 0, 0, 20}, w.grad().toDoubleArray());
    }

    @Test
    @Spec("TENSOR-TRANSPOSE-SWAPS-INDICES")
    void transposeSwapsTwoIndices() {
        Tensor a = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
        Tensor t = a.t();
        assertArrayEquals(new int[] {3, 2}, t.shape());
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, t.toDoubleArray());
        assertArrayEquals(t.toDoubleArray(), a.transpose(1, 0).toDoubleArray());
        assertArrayEquals(t.toDoubleArray(), a.transpose(-1, -2).toDoubleArray());
        Tensor v = Tensor.of(1, 2);
        assertSame(v, v.t(), "t() of a vector is the vector");
        Tensor s = Tensor.scalar(1);
        assertSame(s, s.t());
        Tensor cube = Tensor.fromDoubles(DType.FLOAT32, new double[] {0, 1, 2, 3, 4, 5, 6, 7}, 2, 2, 2);
        // cube[i][j][k] = 4i + 2j + k, so its transpose (0, 2) holds 4k + 2j + i at [i][j][k].
        assertEquals(1, cube.transpose(0, 2).get(1, 0, 0), 0.0);
        assertEquals(4, cube.transpose(0, 2).get(0, 0, 1), 0.0);
        assertEquals(6, cube.transpose(0, 2).get(0, 1, 1), 0.0);
    }

    @Test
    @Spec("TENSOR-EXPAND-REPEATS-SIZE-ONE-DIMENSIONS")
    void expandRepeatsSizeOneDimensions() {
        Tensor column = Tensor.of(new double[][] {{1}, {2}});
        Tensor e = column.expand(2, 3);
        assertArrayEquals(new int[] {2, 3}, e.shape());
        assertArrayEquals(new double[] {1, 1, 1, 2, 2, 2}, e.toDoubleArray());
        assertArrayEquals(new double[] {1, 2, 1, 2}, Tensor.of(1, 2).expand(2, 2).toDoubleArray());
        assertSame(column, column.expand(2, 1), "expanding to its own shape changes nothing");
        assertArrayEquals(new double[] {7, 7, 7}, Tensor.scalar(7).expand(3).toDoubleArray());
    }

    @Test
    @Spec("TENSOR-EXPAND-REPEATS-SIZE-ONE-DIMENSIONS")
    void expandMinusOneKeepsThatDimensionsSize() {
        // PyTorch 1.13: tensor([[1.], [2.]]).expand(-1, 3) = [[1, 1, 1], [2, 2, 2]]; .expand(4, -1, 3) has
        // shape [4, 2, 3]; .expand(-1, 2, 3) raises the message below.
        Tensor column = Tensor.of(new double[][] {{1}, {2}});
        assertArrayEquals(new double[] {1, 1, 1, 2, 2, 2}, column.expand(-1, 3).toDoubleArray());
        assertArrayEquals(new int[] {2, 3}, column.expand(-1, 3).shape());
        assertArrayEquals(new int[] {4, 2, 3}, column.expand(4, -1, 3).shape());
        assertSame(column, column.expand(-1, -1));
        IllegalArgumentException leading = assertThrows(IllegalArgumentException.class, () -> column.expand(-1, 2, 3));
        assertEquals("The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension 0",
                leading.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> column.expand(2, -2));
        assertEquals("expand: size -2 at dimension 1 of [2, -2] is negative; only -1 (keep this dimension's size) "
                + "is allowed", negative.getMessage());
    }

    // ------------------------------------------------------------------ reductions

    @Test
    @Spec("TENSOR-SUM-IS-A-RUNNING-SUM")
    void sumAddsEveryElementOrAlongOneDimension() {
        Tensor a = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
        assertEquals(21, a.sum().item(), 0.0);
        assertEquals(0, a.sum().dim());
        assertArrayEquals(new double[] {5, 7, 9}, a.sum(0).toDoubleArray());
        assertArrayEquals(new double[] {6, 15}, a.sum(1).toDoubleArray());
        assertArrayEquals(new double[] {6, 15}, a.sum(-1).toDoubleArray());
        assertArrayEquals(new int[] {2, 1}, a.sum(1, true).shape());
        assertArrayEquals(new int[] {1, 3}, a.sum(0, true).shape());
        assertArrayEquals(new int[] {2}, a.sum(1, false).shape());
        assertEquals(3, Tensor.scalar(3).sum(0).item(), 0.0, "a 0-d tensor sums to itself");
        assertEquals(0, Tensor.zeros(0).sum().item(), 0.0, "the empty sum is 0");
        assertEquals(DType.INT64, Tensor.longs(1, 2, 3).sum().dtype(), "int64 sums stay int64, as in PyTorch");
        assertEquals(6, Tensor.longs(1, 2, 3).sum().item(), 0.0);
    }

    @Test
    @Spec("TENSOR-DTYPE-PROMOTION")
    void sumsOfBoolAndInt32AreInt64AsInPyTorch() {
        // PyTorch 1.13: b = tensor([[True, False, True], [True, True, False]]); b.sum() = tensor(4),
        // b.sum(0) = tensor([2, 1, 1]), b.sum(1, keepdim=True) = [[2], [2]], all int64;
        // tensor([2**31 - 1, 1], dtype=int32).sum() = tensor(2147483648).
        Tensor b = Tensor.of(new double[][] {{1, 0, 1}, {1, 1, 0}}).to(DType.BOOL);
        assertEquals(DType.INT64, b.sum().dtype());
        assertEquals(4, b.sum().item(), 0.0);
        assertEquals(DType.INT64, b.sum(0).dtype());
        assertArrayEquals(new long[] {2, 1, 1}, b.sum(0).toLongArray());
        assertArrayEquals(new long[] {2, 2}, b.sum(1, true).toLongArray());
        Tensor i = Tensor.longs(Integer.MAX_VALUE, 1).to(DType.INT32);
        assertEquals(DType.INT64, i.sum().dtype());
        assertEquals(2147483648L, i.sum().toLongArray()[0], "an int32 sum does not wrap");
        assertEquals(DType.INT64, i.sum(0).dtype());
    }

    @Test
    @Spec("TENSOR-MEAN-IS-SUM-OVER-COUNT")
    void meanDividesTheSumByTheCount() {
        Tensor a = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 7}});
        assertEquals(22.0f / 6, a.mean().item(), 0.0);
        assertArrayEquals(new double[] {2.5, 3.5, 5}, a.mean(0, false).toDoubleArray());
        assertArrayEquals(new double[] {2, (float) (16.0 / 3)}, a.mean(1, false).toDoubleArray());
        assertArrayEquals(new int[] {2, 1}, a.mean(1, true).shape());
        assertEquals(2.5, Tensor.scalar(2.5).mean(0, false).item(), 0.0);
        assertTrue(Double.isNaN(Tensor.zeros(0).mean().item()), "the mean of nothing is NaN, as in PyTorch");
    }

    @Test
    @Spec("TENSOR-AMAX-ARGMAX-AGREE")
    void amaxAndArgmaxFindTheLargestValueAndItsFirstIndex() {
        // PyTorch 1.13: tensor([[1,5,5],[7,0,7]]).argmax(1) = tensor([1, 0]); amax(1, keepdim=True) = [[5],[7]]
        Tensor a = Tensor.of(new double[][] {{1, 5, 5}, {7, 0, 7}});
        assertArrayEquals(new long[] {1, 0}, a.argmax(1).toLongArray());
        assertEquals(DType.INT64, a.argmax(1).dtype());
        assertArrayEquals(new double[] {5, 7}, a.amax(1, true).toDoubleArray());
        assertArrayEquals(new int[] {2, 1}, a.amax(1, true).shape());
        assertArrayEquals(new double[] {7, 5, 7}, a.amax(0, false).toDoubleArray());
        assertArrayEquals(new long[] {1, 0, 1}, a.argmax(0).toLongArray());
        assertEquals(0, Tensor.scalar(3).argmax(0).item(), 0.0);
        assertEquals(3, Tensor.scalar(3).amax(0, false).item(), 0.0);
        Tensor withNaN = Tensor.of(1, Double.NaN, 9);
        assertEquals(1, withNaN.argmax(0).item(), 0.0, "NaN counts as the largest value, as in PyTorch");
        assertTrue(Double.isNaN(withNaN.amax(0, false).item()));
        assertEquals(Double.NEGATIVE_INFINITY, Tensor.of(Double.NEGATIVE_INFINITY).amax(0, false).item(), 0.0);
    }

    // ------------------------------------------------------------------ arithmetic

    @Test
    @Spec("TENSOR-ELEMENTWISE-OPS-ROUND-ONCE")
    void elementwiseOperationsOnSmallExamples() {
        Tensor a = Tensor.of(1, 4, 9);
        Tensor b = Tensor.of(2, 2, 3);
        assertArrayEquals(new double[] {3, 6, 12}, a.add(b).toDoubleArray());
        assertArrayEquals(new double[] {5, 8, 15}, a.add(b, 2).toDoubleArray());
        assertArrayEquals(new double[] {-1, 2, 6}, a.sub(b).toDoubleArray());
        assertArrayEquals(new double[] {2, 8, 27}, a.mul(b).toDoubleArray());
        assertArrayEquals(new double[] {0.5, 2, 3}, a.div(b).toDoubleArray());
        assertArrayEquals(new double[] {-1, -4, -9}, a.neg().toDoubleArray());
        assertArrayEquals(new double[] {1, 2, 3}, a.sqrt().toDoubleArray());
        assertArrayEquals(new double[] {1, 16, 81}, a.pow(2).toDoubleArray());
        assertArrayEquals(new double[] {2, 4, 9}, a.maximum(b).toDoubleArray());
        assertArrayEquals(new double[] {2, 5, 10}, a.add(1).toDoubleArray());
        assertArrayEquals(new double[] {0, 3, 8}, a.sub(1).toDoubleArray());
        assertArrayEquals(new double[] {3, 12, 27}, a.mul(3).toDoubleArray());
        assertArrayEquals(new double[] {0.25, 1, 2.25}, a.div(4).toDoubleArray());
        assertArrayEquals(new double[] {1, 1, 1}, Tensor.zeros(3).exp().toDoubleArray());
        assertArrayEquals(new double[] {0, 0}, Tensor.ones(2).log().toDoubleArray());
        assertArrayEquals(new double[] {(float) Math.E}, Tensor.of(1).exp().toDoubleArray());
        // PyTorch 1.13: torch.maximum(tensor([nan, 1.]), tensor([0., nan])) = tensor([nan, nan])
        double[] max = Tensor.of(Double.NaN, 1).maximum(Tensor.of(0, Double.NaN)).toDoubleArray();
        assertTrue(Double.isNaN(max[0]) && Double.isNaN(max[1]), "maximum propagates NaN: " + max[0] + ", " + max[1]);
    }

    @Test
    @Spec("TENSOR-COMPARISONS-ARE-BOOL")
    void comparisonsGiveBoolTensors() {
        Tensor eq = Tensor.of(1, 2).eq(Tensor.of(1, 3));
        Tensor gt = Tensor.of(1, 2).gt(Tensor.of(1, 1));
        assertEquals(DType.BOOL, eq.dtype());
        assertArrayEquals(new long[] {1, 0}, eq.toLongArray());
        assertArrayEquals(new long[] {0, 1}, gt.toLongArray());
        assertArrayEquals(new long[] {1, 1}, Tensor.longs(2, 2).eq(Tensor.of(2)).toLongArray());
        Tensor x = Tensor.of(1, 2).requiresGrad_(true);
        assertFalse(x.gt(Tensor.of(0)).requiresGrad(), "comparisons have no gradient");
    }

    @Test
    @Spec("TENSOR-DTYPE-PROMOTION")
    void binaryOperationsPromoteDtypesAsPyTorchDoes() {
        // The result dtypes of a + b, a * b and a / b for 1-D tensors, printed by PyTorch 1.13.
        DType f32 = DType.FLOAT32;
        DType f64 = DType.FLOAT64;
        DType i64 = DType.INT64;
        DType i32 = DType.INT32;
        DType b = DType.BOOL;
        Object[][] table = {
            {f32, f64, f64, f64}, {f32, i64, f32, f32}, {f32, i32, f32, f32}, {f32, b, f32, f32},
            {f64, i64, f64, f64}, {f64, b, f64, f64}, {i64, i64, i64, f32}, {i64, i32, i64, f32},
            {i64, b, i64, f32}, {i32, i32, i32, f32}, {i32, b, i32, f32}, {b, b, b, f32}, {f32, f32, f32, f32},
        };
        for (Object[] row : table) {
            for (int order = 0; order < 2; order++) {
                DType x = (DType) row[order];
                DType y = (DType) row[1 - order];
                Tensor p = Tensor.fromLongs(x, new long[] {1, 2}, 2);
                Tensor q = Tensor.fromLongs(y, new long[] {1, 1}, 2);
                String pair = x + " op " + y;
                assertEquals(row[2], p.add(q).dtype(), pair + " (add)");
                assertEquals(row[2], p.mul(q).dtype(), pair + " (mul)");
                assertEquals(row[2], p.sub(q).dtype(), pair + " (sub)");
                assertEquals(row[2], p.maximum(q).dtype(), pair + " (maximum)");
                assertEquals(row[3], p.div(q).dtype(), pair + " (div)");
            }
        }
    }

    @Test
    @Spec("TENSOR-DTYPE-PROMOTION")
    void integerTensorsWithNumbersAndFloatingFunctionsFollowPyTorch() {
        // PyTorch 1.13, x = tensor([1, 2, 3]): x*2 int64, x+1 int64, x*2.5 float32, x+0.5 float32,
        // x/2 float32 [0.5, 1, 1.5], x.exp() / sqrt() / log() float32, -x int64.
        Tensor x = Tensor.longs(1, 2, 3);
        assertEquals(DType.INT64, x.mul(2).dtype());
        assertEquals(DType.INT64, x.add(1).dtype());
        assertEquals(DType.INT64, x.neg().dtype());
        assertEquals(DType.FLOAT32, x.mul(2.5).dtype());
        assertArrayEquals(new double[] {2.5, 5, 7.5}, x.mul(2.5).toDoubleArray());
        assertEquals(DType.FLOAT32, x.add(0.5).dtype());
        assertArrayEquals(new double[] {1.5, 2.5, 3.5}, x.add(0.5).toDoubleArray());
        assertEquals(DType.FLOAT32, x.div(2).dtype());
        assertArrayEquals(new double[] {0.5, 1, 1.5}, x.div(2).toDoubleArray());
        assertEquals(DType.FLOAT32, x.exp().dtype());
        assertEquals(DType.FLOAT32, x.sqrt().dtype());
        assertEquals(DType.FLOAT32, x.log().dtype());
        assertArrayEquals(new long[] {-1, -2, -3}, x.neg().toLongArray());
        assertEquals(DType.FLOAT64, Tensor.ones(DType.FLOAT64, 2).mul(2.5).dtype());
    }

    // ------------------------------------------------------------------ conversions and copies

    @Test
    @Spec("TENSOR-TO-SAME-IS-IDENTITY")
    void toTheDtypeAndDeviceItAlreadyHasReturnsTheSameTensor() {
        Tensor x = Tensor.of(1, 2);
        assertSame(x, x.to(DType.FLOAT32));
        assertSame(x, x.to(Device.CPU));
        assertSame(x, x.cpu());
        Tensor y = x.to(DType.FLOAT64);
        assertNotSame(x, y);
        assertEquals(DType.FLOAT64, y.dtype());
        assertArrayEquals(new double[] {1, 2}, y.toDoubleArray());
    }

    @Test
    @Spec("TENSOR-TO-SAME-IS-IDENTITY")
    void toAnotherDtypeConvertsAsPyTorchDoes() {
        // PyTorch 1.13: tensor([3.7, -3.7, 2.5]).to(int64) = [3, -3, 2]; tensor([0., 2., -1.]).to(bool) =
        // [False, True, True]; tensor([True, False]).to(float32) = [1., 0.].
        assertArrayEquals(new long[] {3, -3, 2}, Tensor.of(3.7, -3.7, 2.5).to(DType.INT64).toLongArray());
        assertArrayEquals(new long[] {0, 1, 1}, Tensor.of(0, 2, -1).to(DType.BOOL).toLongArray());
        Tensor bools = Tensor.fromLongs(DType.BOOL, new long[] {1, 0}, 2);
        assertArrayEquals(new double[] {1, 0}, bools.to(DType.FLOAT32).toDoubleArray());
        assertArrayEquals(new long[] {1, 0}, bools.to(DType.INT32).toLongArray());
        Tensor wide = Tensor.fromDoubles(DType.FLOAT64, new double[] {0.1}, 1);
        assertEquals((double) 0.1f, wide.to(DType.FLOAT32).item(), 0.0);
        assertArrayEquals(new float[] {0.1f}, wide.toFloatArray(), "toFloatArray converts a float64 tensor");
    }

    @Test
    @Spec("TENSOR-CLONE-IS-INDEPENDENT")
    void aCloneHasItsOwnStorage() {
        Tensor x = Tensor.of(new double[][] {{1, 2}, {3, 4}});
        Tensor c = x.clone();
        assertNotSame(x.storage(), c.storage());
        assertArrayEquals(x.shape(), c.shape());
        c.fill_(0);
        assertArrayEquals(new double[] {1, 2, 3, 4}, x.toDoubleArray());
        x.put_(0, 9);
        assertArrayEquals(new double[] {0, 0, 0, 0}, c.toDoubleArray());
    }

    @Test
    @Spec("TENSOR-CLONE-IS-INDEPENDENT")
    void aCloneStaysInTheGraphAsInPyTorch() {
        // PyTorch 1.13: p = tensor([1., 2.], requires_grad=True); p.clone() prints
        // tensor([1., 2.], grad_fn=<CloneBackward0>); (p.clone() * 3).sum().backward() gives p.grad = [3., 3.].
        Tensor p = Tensor.of(1, 2).requiresGrad_(true);
        assertEquals("tensor([1., 2.], grad_fn=<CloneBackward0>)", p.clone().toString());
        p.clone().mul(3).sum().backward();
        assertArrayEquals(new double[] {3, 3}, p.grad().toDoubleArray());
        try (dlblocks.autograd.NoGrad scope = new dlblocks.autograd.NoGrad()) {
            Tensor copy = p.clone();
            assertFalse(copy.requiresGrad(), "under no_grad a clone is a plain copy");
            assertTrue(copy.isLeaf());
        }
    }

    // ------------------------------------------------------------------ printing

    @Test
    @Spec("TENSOR-PRINTS-AS-PYTORCH")
    void tensorsPrintAsPyTorchPrintsThem() {
        // Each expected string was printed by PyTorch 1.13.
        assertEquals("tensor([[1., 1.],\n        [1., 1.]], dtype=torch.float64)", Tensor.ones(DType.FLOAT64, 2, 2)
                .toString());
        assertEquals("tensor([1, 2])", Tensor.longs(1, 2).toString());
        assertEquals("tensor(3.5000)", Tensor.scalar(3.5).toString());
        assertEquals("tensor([])", Tensor.zeros(0).toString());
        assertEquals("tensor([ True, False])", Tensor.fromLongs(DType.BOOL, new long[] {1, 0}, 2).toString());
        assertEquals("tensor([1., 2.], requires_grad=True)", Tensor.of(1, 2).requiresGrad_(true).toString());
    }

    @Test
    @Spec("TENSOR-PRINTS-AS-PYTORCH")
    void tensorsPrintTheirGradFnAsPyTorchNamesIt() {
        // x = torch.tensor([1., 2.], requires_grad=True); each string printed by PyTorch 1.13.
        Tensor x = Tensor.of(1, 2).requiresGrad_(true);
        assertEquals("tensor([2., 4.], grad_fn=<MulBackward0>)", x.mul(2).toString());
        assertEquals("tensor(3., grad_fn=<SumBackward0>)", x.sum().toString());
        assertEquals("tensor(3., grad_fn=<SumBackward1>)", x.sum(0).toString());
        assertEquals("tensor([[1.],\n        [2.]], grad_fn=<ViewBackward0>)", x.view(2, 1).toString());
        assertEquals("tensor(4., grad_fn=<SelectBackward0>)", x.mul(2).select(0, 1).toString());
        assertEquals("tensor([2., 3.], grad_fn=<AddBackward0>)", x.add(1).toString());
        assertEquals("tensor([0., 0.], grad_fn=<SubBackward0>)", x.sub(x).toString());
        assertEquals("tensor([0., 1.], grad_fn=<SubBackward0>)", x.sub(1).toString());
        assertEquals("tensor([1., 1.], grad_fn=<DivBackward0>)", x.div(x).toString());
        assertEquals("tensor([-1., -2.], grad_fn=<NegBackward0>)", x.neg().toString());
        assertEquals("tensor([1., 4.], grad_fn=<PowBackward0>)", x.pow(2).toString());
        assertEquals("tensor([2.7183, 7.3891], grad_fn=<ExpBackward0>)", x.exp().toString());
        assertEquals("tensor([0.0000, 0.6931], grad_fn=<LogBackward0>)", x.log().toString());
        assertEquals("tensor([1.0000, 1.4142], grad_fn=<SqrtBackward0>)", x.sqrt().toString());
        assertEquals("tensor(1.5000, grad_fn=<MeanBackward0>)", x.mean().toString());
        assertEquals("tensor(2., grad_fn=<AmaxBackward0>)", x.amax(0, false).toString());
        assertEquals("tensor([1., 2.], grad_fn=<MaximumBackward0>)", x.maximum(x).toString());
        assertEquals("tensor([1.], grad_fn=<GatherBackward0>)", x.gather(0, Tensor.longs(0)).toString());
        assertEquals("tensor([[1., 2.],\n        [1., 2.]], grad_fn=<ExpandBackward0>)", x.expand(2, 2).toString());
        assertEquals("tensor([[1., 2.]], grad_fn=<UnsqueezeBackward0>)", x.unsqueeze(0).toString());
        assertEquals("tensor([1., 2.], grad_fn=<SqueezeBackward1>)", x.unsqueeze(1).squeeze(1).toString());
        assertEquals("tensor([[5.]], grad_fn=<MmBackward0>)", x.view(1, 2).mm(x.view(2, 1)).toString());
        assertEquals("tensor([1., 2.], dtype=torch.float64, grad_fn=<ToCopyBackward0>)",
                x.to(DType.FLOAT64).toString());
        Tensor m = Tensor.ones(2, 2).requiresGrad_(true);
        assertEquals("tensor([[1., 1.],\n        [1., 1.]], grad_fn=<TBackward0>)", m.t().toString());
        assertEquals("tensor([[1., 1.],\n        [1., 1.]], grad_fn=<TransposeBackward0>)",
                m.transpose(0, 1).toString());
        assertEquals("tensor([[2., 2.]], grad_fn=<SumBackward1>)", m.sum(0, true).toString());
        assertEquals("tensor([[1.],\n        [1.]], grad_fn=<MeanBackward1>)", m.mean(1, true).toString());
        assertEquals("tensor([1., 2.])", x.detach().add(x.detach()).div(2).toString(), "no graph, no grad_fn");
    }

    @Test
    @Spec("TENSOR-PRINTS-AS-PYTORCH")
    void underNoGradResultsPrintWithoutGradFn() {
        Tensor x = Tensor.of(1, 2).requiresGrad_(true);
        try (NoGrad scope = new NoGrad()) {
            assertEquals("tensor([2., 4.])", x.mul(2).toString());
        }
    }
}
