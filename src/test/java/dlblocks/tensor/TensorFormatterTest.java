package dlblocks.tensor;

import dlblocks.spec.Spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlblocks.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link TensorFormatter} against real PyTorch 1.13: every printout of {@code verification/golden/print.json},
 * the examples of torch-compat.md §7, and edge cases. Expected strings written inline below were printed by
 * real torch 1.13 ({@code str(...)} of the expression in each comment).
 */
class TensorFormatterTest {
    static final Path GOLDEN = Path.of("verification", "golden", "print.json");

    // ---- the golden file ---------------------------------------------------------------------------------

    /** One case of print.json (torch-compat.md §0). */
    record GoldenCase(String id, DType dtype, int[] shape, double[] floats, long[] ints, boolean requiresGrad,
                      String gradFn, boolean parameter, String str) {
        String print() {
            return parameter
                    ? TensorFormatter.formatParameter(dtype, shape, floats, ints)
                    : TensorFormatter.format(dtype, shape, floats, ints, gradFn, requiresGrad);
        }
    }

    @Spec("PRINT-GOLDEN-EXACT")
    @TestFactory
    Stream<DynamicTest> everyGoldenPrintoutIsReproduced() throws IOException {
        return goldenCases().stream().map(c -> DynamicTest.dynamicTest(c.id(), () ->
                assertEquals(c.str(), c.print(), () -> "print.json case " + c.id() + ", dtype "
                        + c.dtype().torchName() + ", shape " + Arrays.toString(c.shape()))));
    }

    @Spec("PRINT-GOLDEN-EXACT")
    @Test
    void goldenFileHoldsAll140Cases() throws IOException {
        assertEquals(140, goldenCases().size());
    }

    static List<GoldenCase> goldenCases() throws IOException {
        return goldenCases(GOLDEN);
    }

    /** The cases of a file in print.json's schema (torch-compat.md §0). */
    static List<GoldenCase> goldenCases(Path file) throws IOException {
        Map<String, Object> root = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
        return ((List<?>) root.get("cases")).stream().map(c -> goldenCase((Map<?, ?>) c)).toList();
    }

    private static GoldenCase goldenCase(Map<?, ?> c) {
        DType dtype = dtypeNamed((String) c.get("dtype"));
        int[] shape = ((List<?>) c.get("shape")).stream().mapToInt(d -> ((Long) d).intValue()).toArray();
        double[] floats = null;
        long[] ints = null;
        if (dtype.isFloatingPoint()) {
            floats = ((List<?>) c.get("bits")).stream().mapToDouble(b -> fromBits(dtype, (String) b)).toArray();
        } else {
            ints = ((List<?>) c.get("values")).stream().mapToLong(TensorFormatterTest::integerValue).toArray();
        }
        return new GoldenCase((String) c.get("id"), dtype, shape, floats, ints, (Boolean) c.get("requires_grad"),
                (String) c.get("grad_fn"), "parameter".equals(c.get("kind")), (String) c.get("str"));
    }

    static DType dtypeNamed(String torchName) {
        return Stream.of(DType.values()).filter(d -> d.torchName().equals(torchName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown dtype " + torchName));
    }

    /** §0: 8 hex digits are a float32 bit pattern (widened exactly), 16 a float64 one. */
    private static double fromBits(DType dtype, String hex) {
        if (dtype == DType.FLOAT32) {
            return Float.intBitsToFloat((int) Long.parseLong(hex, 16));
        }
        return Double.longBitsToDouble(Long.parseUnsignedLong(hex, 16));
    }

    /** Integers are JSON numbers; bools are JSON true/false and become 1/0. */
    private static long integerValue(Object v) {
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        return (Long) v;
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    /** A 1-D float32 tensor. */
    private static String f32(float... values) {
        return TensorFormatter.format(DType.FLOAT32, new int[] {values.length}, widen(values), null, null, false);
    }

    private static String f32(int[] shape, float... values) {
        return TensorFormatter.format(DType.FLOAT32, shape, widen(values), null, null, false);
    }

    private static String scalar(float value) {
        return f32(new int[0], value);
    }

    private static double[] widen(float... values) {
        return IntStream.range(0, values.length).mapToDouble(i -> values[i]).toArray();
    }

    private static String ints(DType dtype, int[] shape, long... values) {
        return TensorFormatter.format(dtype, shape, null, values, null, false);
    }

    /** {@code torch.arange(n, dtype=float32)} reshaped, as float32 values. */
    private static float[] arange(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return v;
    }

    private static final float NAN = Float.NaN;
    private static final float INF = Float.POSITIVE_INFINITY;

    // ---- §7.4 examples -----------------------------------------------------------------------------------

    @Test
    void zeroDimensionalTensorsPrintTheirElement() {
        assertEquals("tensor(1.)", scalar(1f));
        assertEquals("tensor(0.5000)", scalar(0.5f));
        assertEquals("tensor(-0.)", scalar(-0f));
        assertEquals("tensor(1.2346e+08)", scalar(123456789f));
        assertEquals("tensor(7)", ints(DType.INT64, new int[0], 7));
        assertEquals("tensor(7, dtype=torch.int32)", ints(DType.INT32, new int[0], 7));
        assertEquals("tensor(nan)", scalar(NAN));
    }

    @Test
    void intModeFloatsPrintAPointAndPadToTheWidestInteger() {
        assertEquals("tensor([0., 1.])", f32(0, 1));
        assertEquals("tensor([-1., 10.,  3.])", f32(-1, 10, 3));
        assertEquals("tensor([   1., 1000.])", f32(1, 1000));
        assertEquals("tensor([100000000.,  10000000.])", f32(1e8f, 1e7f));
    }

    @Test
    void intModeSwitchesToSciAboveRatio1000OrAbove1e8() {
        assertEquals("tensor([1.0000e+00, 1.0010e+03])", f32(1, 1001));
        assertEquals("tensor([1.0000e+08, 1.0000e+07])", f32(Math.nextUp(1e8f), 1e7f));
    }

    @Spec("PRINT-ROUNDS-EXACT-VALUE-HALF-EVEN")
    @Test
    void fixedModeRoundsTheExactValueTiesToEven() {
        // 0.03125 and 0.09375 are exact float32 ties; String.format would give 0.0313 and 0.0938.
        assertEquals("tensor([0.0312, 0.0938, 2.5000])", f32(0.03125f, 0.09375f, 2.5f));
    }

    @Test
    void negativeZeroKeepsItsSignInEveryStyle() {
        assertEquals("tensor([-0.0000, 1.5000])", f32(-0f, 1.5f));
        assertEquals("tensor([-0., 2.])", f32(-0f, 2));
        assertEquals("tensor([-0., 0.])", f32(-0f, 0f)); // torch.tensor([-0.0, 0.0])
        assertEquals("tensor([-0.0000e+00, 1.0000e-05])", f32(-0f, 1e-5f)); // torch.tensor([-0.0, 1e-5])
        assertEquals("tensor([-0.0000e+00, 1.0000e+00, 2.0000e+03])", f32(-0f, 1, 2000)); // int mode, sci
    }

    @Test
    void nanAndInfinityNeverWidenTheColumns() {
        assertEquals("tensor([   nan,    inf,   -inf, 0.2500])", f32(NAN, INF, -INF, 0.25f));
        assertEquals("tensor([nan, inf, -inf, 2.])", f32(NAN, INF, -INF, 2));
        assertEquals("tensor([0., nan])", f32(0, NAN));
        assertEquals("tensor([nan, nan])", f32(NAN, NAN));
        assertEquals("tensor([inf, -inf])", f32(INF, -INF));
        assertEquals("tensor([       inf, 1.0000e+09, 5.0000e-01])", f32(INF, 1e9f, 0.5f));
        assertEquals("tensor([    nan, -0.0000,  0.2500, -1.5000])", f32(NAN, -0f, 0.25f, -1.5f));
    }

    @Test
    void integerAndBoolTensorsPadToTheWidestValue() {
        assertEquals("tensor([    0,     1,    -5, 12345])", ints(DType.INT64, new int[] {4}, 0, 1, -5, 12345));
        assertEquals("tensor([ True, False,  True])", ints(DType.BOOL, new int[] {3}, 1, 0, 1));
        assertEquals("tensor([False, False])", ints(DType.BOOL, new int[] {2}, 0, 0));
        assertEquals("tensor([[ True, False],\n        [False, False]])", ints(DType.BOOL, new int[] {2, 2}, 1, 0, 0, 0));
        assertEquals("tensor([-9223372036854775808,  9223372036854775807])",
                ints(DType.INT64, new int[] {2}, Long.MIN_VALUE, Long.MAX_VALUE));
    }

    @Spec("PRINT-DTYPE-SUFFIX")
    @Test
    void emptyTensorsPrintSizeUnless1dAndDtypeUnlessFloat32() {
        assertEquals("tensor([])", f32());
        assertEquals("tensor([], size=(0, 3))", f32(new int[] {0, 3}));
        assertEquals("tensor([], dtype=torch.int64)", ints(DType.INT64, new int[] {0}));
        assertEquals("tensor([], dtype=torch.bool)", ints(DType.BOOL, new int[] {0}));
        assertEquals("tensor([], size=(0, 2, 0), dtype=torch.int32)", ints(DType.INT32, new int[] {0, 2, 0}));
        assertEquals("tensor([], size=(2, 0), dtype=torch.float64)",
                TensorFormatter.format(DType.FLOAT64, new int[] {2, 0}, new double[0], null, null, false));
        assertEquals("tensor([], requires_grad=True)",
                TensorFormatter.format(DType.FLOAT32, new int[] {0}, new double[0], null, null, true));
    }

    @Spec("PRINT-DTYPE-SUFFIX")
    @Test
    void onlyInt32AndFloat64PrintTheirDtype() {
        assertEquals("tensor([1, 2, 3], dtype=torch.int32)", ints(DType.INT32, new int[] {3}, 1, 2, 3));
        assertEquals("tensor([1])", ints(DType.INT64, new int[] {1}, 1));
        assertEquals("tensor([0.1000, 0.2000], dtype=torch.float64)",
                TensorFormatter.format(DType.FLOAT64, new int[] {2}, new double[] {0.1, 0.2}, null, null, false));
        assertEquals("tensor([4.9407e-324,  1.0000e+00], dtype=torch.float64)",
                TensorFormatter.format(DType.FLOAT64, new int[] {2}, new double[] {Double.MIN_VALUE, 1}, null, null, false));
        assertEquals("tensor([ 1.0000e+300, -2.5000e-300], dtype=torch.float64)",
                TensorFormatter.format(DType.FLOAT64, new int[] {2}, new double[] {1e300, -2.5e-300}, null, null, false));
    }

    @Test
    void twoDimensionalTensorsAlignRowsUnderTheFirst() {
        assertEquals("tensor([[-0.5404, -2.2102],\n        [ 2.1130, -0.0040]])",
                f32(new int[] {2, 2}, -0.5404f, -2.2102f, 2.113f, -0.004f));
        assertEquals("tensor([[3.5000]])", f32(new int[] {1, 1}, 3.5f));
        assertEquals("tensor([[[[[[1., 1.]]]]]])", f32(new int[] {1, 1, 1, 1, 1, 2}, 1, 1));
    }

    @Test
    void blockSeparatorsHaveOneBlankLinePerDimensionAboveTwo() {
        // torch.arange(8.).reshape(2, 1, 2, 2): two blank lines between the 3-D blocks of a 4-D tensor
        assertEquals("tensor([[[[0., 1.],\n          [2., 3.]]],\n\n\n        [[[4., 5.],\n          [6., 7.]]]])",
                f32(new int[] {2, 1, 2, 2}, arange(8)));
        assertEquals("tensor([[[0., 1.]],\n\n        [[2., 3.]]])", f32(new int[] {2, 1, 2}, arange(4)));
    }

    // ---- §7.1 suffixes -----------------------------------------------------------------------------------

    @Spec("PRINT-GRAD-SUFFIX")
    @Test
    void gradFnWinsOverRequiresGradAndFollowsTheDtype() {
        double[] v = {1.5, 2};
        assertEquals("tensor([1.5000, 2.0000], grad_fn=<MulBackward0>)",
                TensorFormatter.format(DType.FLOAT32, new int[] {2}, v, null, "MulBackward0", true));
        assertEquals("tensor([1.5000, 2.0000], dtype=torch.float64, requires_grad=True)",
                TensorFormatter.format(DType.FLOAT64, new int[] {2}, v, null, null, true));
        assertEquals("Parameter containing:\ntensor([0.0631, 0.1465], requires_grad=True)",
                TensorFormatter.formatParameter(DType.FLOAT32, new int[] {2}, widen(0.0631f, 0.1465f), null));
    }

    @Spec("PRINT-FITS-80-COLUMNS")
    @Test
    void aSuffixThatWouldPassColumn80GoesOnItsOwnLine() {
        // (torch.arange(0., 9., dtype=torch.float64) * 0.5).reshape(1, 9): the last line is 81 columns long
        double[] halves = IntStream.range(0, 9).mapToDouble(i -> i * 0.5).toArray();
        assertEquals("tensor([[0.0000, 0.5000, 1.0000, 1.5000, 2.0000, 2.5000, 3.0000, 3.5000, 4.0000]],\n"
                        + "       dtype=torch.float64)",
                TensorFormatter.format(DType.FLOAT64, new int[] {1, 9}, halves, null, null, false));
        // torch.arange(20, dtype=torch.int32) * 1000
        long[] thousands = IntStream.range(0, 20).mapToLong(i -> i * 1000L).toArray();
        assertEquals("tensor([    0,  1000,  2000,  3000,  4000,  5000,  6000,  7000,  8000,  9000,\n"
                        + "        10000, 11000, 12000, 13000, 14000, 15000, 16000, 17000, 18000, 19000],\n"
                        + "       dtype=torch.int32)",
                ints(DType.INT32, new int[] {20}, thousands));
    }

    @Test
    void suffixesWrapOneByOne() {
        List<String> two = List.of("dtype=torch.float64", "requires_grad=True");
        String line58 = "tensor(" + "x".repeat(51);
        // 58 + 2 + 19 + 2 = 81 > 80: the first suffix wraps, the second then fits beside it.
        assertEquals(line58 + ",\n       dtype=torch.float64, requires_grad=True)",
                TensorFormatter.withSuffixes(line58, two));
        String line57 = "tensor(" + "x".repeat(50);
        // 57 + 2 + 19 + 2 = 80 fits; then 80 + 18 + 2 > 80 wraps.
        assertEquals(line57 + ", dtype=torch.float64,\n       requires_grad=True)",
                TensorFormatter.withSuffixes(line57, two));
        // L counts the characters after the last newline only.
        assertEquals("a\n" + line57 + ", dtype=torch.float64,\n       requires_grad=True)",
                TensorFormatter.withSuffixes("a\n" + line57, two));
    }

    // ---- §7.2 summarisation ------------------------------------------------------------------------------

    @Spec("PRINT-SUMMARISES-ABOVE-1000")
    @Test
    void thousandElementsPrintInFull() {
        // torch.arange(1000): 72 lines of 14 (width 3), no "..."
        String s = ints(DType.INT64, new int[] {1000}, IntStream.range(0, 1000).mapToLong(i -> i).toArray());
        assertFalse(s.contains("..."));
        assertEquals(5576, s.length());
        assertEquals(72, s.lines().count());
        assertTrue(s.startsWith("tensor([  0,   1,   2,   3,   4,   5,   6,   7,   8,   9,  10,  11,  12,  13,\n"
                + "         14,  15,"), s);
        assertTrue(s.endsWith("\n        994, 995, 996, 997, 998, 999])"), s);
        // torch.arange(1000.).reshape(10, 100): 90 lines
        String f = f32(new int[] {10, 100}, arange(1000));
        assertFalse(f.contains("..."));
        assertEquals(6820, f.length());
        assertEquals(90, f.lines().count());
        assertTrue(f.endsWith("\n         996., 997., 998., 999.]])"), f);
    }

    @Spec("PRINT-SUMMARISES-ABOVE-1000")
    @Test
    void thousandAndOneElementsAreSummarised() {
        long[] longs = IntStream.range(0, 1001).mapToLong(i -> i).toArray();
        assertEquals("tensor([   0,    1,    2,  ...,  998,  999, 1000])", ints(DType.INT64, new int[] {1001}, longs));
        assertEquals("tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])", f32(arange(1001)));
    }

    @Test
    void summarisedRowsAndColumnsShowThreeAtEachEnd() {
        // torch.arange(2000.).reshape(2, 1000)
        assertEquals("tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 9.9700e+02, 9.9800e+02,\n"
                + "         9.9900e+02],\n"
                + "        [1.0000e+03, 1.0010e+03, 1.0020e+03,  ..., 1.9970e+03, 1.9980e+03,\n"
                + "         1.9990e+03]])", f32(new int[] {2, 1000}, arange(2000)));
        // torch.arange(2000.).reshape(1000, 2)
        assertEquals("tensor([[0.0000e+00, 1.0000e+00],\n"
                + "        [2.0000e+00, 3.0000e+00],\n"
                + "        [4.0000e+00, 5.0000e+00],\n"
                + "        ...,\n"
                + "        [1.9940e+03, 1.9950e+03],\n"
                + "        [1.9960e+03, 1.9970e+03],\n"
                + "        [1.9980e+03, 1.9990e+03]])", f32(new int[] {1000, 2}, arange(2000)));
        // torch.arange(1200) % 3 == 0
        long[] bools = IntStream.range(0, 1200).mapToLong(i -> i % 3 == 0 ? 1 : 0).toArray();
        assertEquals("tensor([ True, False, False,  ...,  True, False, False])", ints(DType.BOOL, new int[] {1200}, bools));
    }

    @Test
    void summarisedThreeDimensionalBlocksAreSeparatedByABlankLineAndDots() {
        // torch.arange(1400.).reshape(7, 2, 100)
        String s = f32(new int[] {7, 2, 100}, arange(1400));
        String expectedMiddle = "         [5.0000e+02, 5.0100e+02, 5.0200e+02,  ..., 5.9700e+02,\n"
                + "          5.9800e+02, 5.9900e+02]],\n"
                + "\n"
                + "        ...,\n"
                + "\n"
                + "        [[8.0000e+02, 8.0100e+02, 8.0200e+02,  ..., 8.9700e+02,\n";
        assertTrue(s.contains(expectedMiddle), s);
        assertTrue(s.startsWith("tensor([[[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 9.7000e+01,\n"
                + "          9.8000e+01, 9.9000e+01],\n"), s);
        assertTrue(s.endsWith("          1.3980e+03, 1.3990e+03]]])"), s);
        assertEquals(31, s.split("\n", -1).length);
    }

    @Spec("PRINT-SUMMARISES-ABOVE-1000")
    @Test
    void theFormatterSeesOnlyTheShownElements() {
        // torch.cat([torch.ones(3), torch.full((1000,), 1e-9), torch.full((3,), 2.)]): the hidden 1e-9 would force sci
        float[] v = new float[1006];
        Arrays.fill(v, 1e-9f);
        v[0] = v[1] = v[2] = 1;
        v[1003] = v[1004] = v[1005] = 2;
        assertEquals("tensor([1., 1., 1.,  ..., 2., 2., 2.])", f32(v));
    }

    // ---- argument checks ---------------------------------------------------------------------------------

    @Test
    void valuesThatDoNotMatchTheDtypeOrShapeAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TensorFormatter.format(DType.FLOAT32, new int[] {2, 3}, new double[5], null, null, false));
        assertEquals("TensorFormatter: shape [2, 3] holds 6 elements but floats has 5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TensorFormatter.format(DType.INT64, new int[] {1}, new double[1], null, null, false));
        assertEquals("TensorFormatter: dtype int64 needs ints and only those, got floats non-null, ints null",
                e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> TensorFormatter.format(DType.FLOAT32, new int[] {1}, new double[1], new long[1], null, false));
        assertThrows(IllegalArgumentException.class,
                () -> TensorFormatter.format(DType.FLOAT64, new int[] {1}, null, null, null, false));
        e = assertThrows(IllegalArgumentException.class,
                () -> TensorFormatter.format(DType.FLOAT32, new int[] {1}, new double[] {0.1}, null, null, false));
        assertEquals("TensorFormatter: floats[0] = 0.1 is not a float32 value, but the dtype is float32", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ints(DType.INT32, new int[] {3}, 1, 2));
        assertEquals("TensorFormatter: shape [3] holds 3 elements but ints has 2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ints(DType.BOOL, new int[] {2}, 1, 2));
        assertEquals("TensorFormatter: ints[1] = 2 is not 0 or 1, but the dtype is bool", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ints(DType.INT64, new int[] {2, -1}));
        assertEquals("TensorFormatter: shape [2, -1] has a negative size", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ints(DType.INT64, new int[] {65536, 65536}));
        assertEquals("TensorFormatter: shape [65536, 65536] has more elements than a Java array holds", e.getMessage());
        assertThrows(NullPointerException.class, () -> TensorFormatter.format(null, new int[0], new double[1], null, null, false));
    }

    @Test
    void numelCountsZeroSizedShapesAsEmptyEvenWhenOtherSizesAreHuge() {
        assertEquals(0, TensorFormatter.numel(new int[] {65536, 65536, 0}));
        assertEquals(1, TensorFormatter.numel(new int[0]));
        assertEquals(24, TensorFormatter.numel(new int[] {2, 3, 4}));
    }

    @Test
    void nanFloat32ValuesAreAcceptedWhateverTheirPayload() {
        double negativeNan = Double.longBitsToDouble(0xfff8000000000000L); // 0/0 on x86 gives the negative NaN
        assertEquals("tensor([nan, -2.])",
                TensorFormatter.format(DType.FLOAT32, new int[] {2}, new double[] {negativeNan, -2}, null, null, false));
    }
}
