package dlblocks.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dlblocks.spec.Spec;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast CPU backend computes exactly what the reference computes: the same kernel calls on the same
 * inputs give the same bits (NaN compared as NaN), including inputs full of +0, −0, ±∞ and NaN and the
 * sparse inputs its skipping is built for, and including sequences of calls in which it relies on what it
 * remembered about earlier results.
 */
class BackendEquivalenceProperties {
    private static final CpuBackend REF = CpuBackend.INSTANCE;
    private static final FastCpuBackend FAST = FastCpuBackend.INSTANCE;

    /** Random float32 values: ordinary numbers, with +0, −0, ±∞, NaN and subnormals mixed in. */
    static float[] values(SplittableRandom r, int n, double zeroFraction, boolean specials) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            if (u < zeroFraction) {
                v[i] = 0f;
            } else if (specials && u < zeroFraction + 0.05) {
                float[] special = {-0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MIN_VALUE,
                    -Float.MIN_NORMAL / 3};
                v[i] = special[r.nextInt(special.length)];
            } else {
                v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-3, 4)));
            }
        }
        return v;
    }

    static CpuStorage storage(Backend backend, float[] v) {
        CpuStorage s = (CpuStorage) backend.zeros(DType.FLOAT32, v.length);
        for (int i = 0; i < v.length; i++) s.set(i, v[i]);
        return s;
    }

    /** The same values held compactly (every element whose bits are not +0.0 listed), as a BoW vector is. */
    static CpuStorage compact(float[] v) {
        int count = 0;
        for (float x : v) if (Float.floatToRawIntBits(x) != 0) count++;
        int[] positions = new int[count];
        float[] values = new float[count];
        for (int i = 0, k = 0; i < v.length; i++) {
            if (Float.floatToRawIntBits(v[i]) != 0) {
                positions[k] = i;
                values[k++] = v[i];
            }
        }
        return new CpuStorage(v.length, positions, values);
    }

    /** Either layout of the same values, chosen by the random stream: the fast backend must not care. */
    static CpuStorage fastInput(SplittableRandom r, float[] v) {
        return r.nextBoolean() ? storage(FAST, v) : compact(v);
    }

    static void assertSameBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            boolean same = Float.isNaN(expected[i]) ? Float.isNaN(actual[i])
                    : Float.floatToRawIntBits(expected[i]) == Float.floatToRawIntBits(actual[i]);
            if (!same) {
                fail(what + ": element " + i + " differs: reference " + expected[i] + " ("
                        + Integer.toHexString(Float.floatToRawIntBits(expected[i])) + "), fast " + actual[i] + " ("
                        + Integer.toHexString(Float.floatToRawIntBits(actual[i])) + ")");
            }
        }
    }

    @Test
    @Spec("BACKEND-FAST-CPU-EQUALS-REFERENCE")
    void elementwiseKernelsGiveTheReferenceBits() {
        qt().withExamples(300).forAll(longs().all(), integers().between(0, 40)).checkAssert((seed, n) -> {
            SplittableRandom r = new SplittableRandom(seed);
            float[] a = values(r, n, 0.3, true);
            float[] b = values(r, n, 0.3, true);
            double s = new double[] {1, -1, -0.1, (float) -0.1, 0.5, -0.0, 0.0, 3.0, Double.NaN,
                Double.NEGATIVE_INFINITY}[r.nextInt(10)];
            for (UnaryOp op : UnaryOp.values()) {
                double sf = op == UnaryOp.POW_SCALAR ? 2 : (float) s;
                CpuStorage outRef = storage(REF, new float[n]);
                CpuStorage outFast = storage(FAST, new float[n]);
                REF.map(op, sf, storage(REF, a), outRef);
                FAST.map(op, sf, storage(FAST, a), outFast);
                assertSameBits(outRef.f(), outFast.f(), op + " s=" + sf + " seed " + seed);
            }
            int[] shape = {n};
            int[] contiguous = {1};
            for (BinaryOp op : BinaryOp.values()) {
                for (boolean scalar : new boolean[] {false, true}) {
                    int[] bStrides = scalar ? new int[] {0} : contiguous;
                    CpuStorage outRef = storage(REF, new float[n]);
                    CpuStorage outFast = storage(FAST, new float[n]);
                    REF.zip(op, s, storage(REF, a), contiguous, storage(REF, b), bStrides, shape, outRef);
                    FAST.zip(op, s, fastInput(r, a), contiguous, fastInput(r, b), bStrides, shape, outFast);
                    assertSameBits(outRef.f(), outFast.f(), op + " s=" + s + " scalar=" + scalar + " seed " + seed);
                }
            }
        });
    }

    @Test
    @Spec("BACKEND-FAST-CPU-EQUALS-REFERENCE")
    void matrixProductsGiveTheReferenceBitsDenseOrSparse() {
        qt().withExamples(150).forAll(longs().all(), integers().between(0, 7)).checkAssert((seed, variant) -> {
            SplittableRandom r = new SplittableRandom(seed);
            boolean big = variant >= 4; // large enough for the sparse paths (at least 4096 elements)
            int m = big ? r.nextInt(1, 4) : r.nextInt(0, 7);
            int k = big ? r.nextInt(1, 5) : r.nextInt(0, 7);
            int n = big ? 4096 + r.nextInt(0, 300) : r.nextInt(0, 7);
            boolean transA = r.nextBoolean();
            boolean transB = r.nextBoolean();
            if (variant == 4 || variant == 5) {
                // the shapes of the tutorial's loop: x·Wᵀ with a sparse x, and gᵀ·x
                if (r.nextBoolean()) { m = 1; k = n; n = r.nextInt(1, 7); transA = false; transB = true; }
                else { k = r.nextInt(1, 3); transA = true; transB = false; }
            }
            boolean specials = variant % 2 == 1;
            float[] a = values(r, m * k, big ? 0.995 : 0.3, specials);
            float[] b = values(r, k * n, big ? 0.995 : 0.3, specials);
            float[] bias = r.nextBoolean() ? values(r, n, 0.3, specials) : null; // nn.Linear's b, added to each row
            CpuStorage outRef = storage(REF, new float[m * n]);
            CpuStorage outFast = storage(FAST, new float[m * n]);
            REF.matmul(storage(REF, a), transA, storage(REF, b), transB, m, k, n, bias == null ? null : storage(REF, bias),
                    outRef);
            FAST.matmul(fastInput(r, a), transA, fastInput(r, b), transB, m, k, n,
                    bias == null ? null : fastInput(r, bias), outFast);
            assertSameBits(outRef.f(), outFast.f(), "matmul " + m + "x" + k + "x" + n + " transA=" + transA + " transB="
                    + transB + (bias == null ? "" : " with a bias") + " seed " + seed);
        });
    }

    @Test
    @Spec("BACKEND-FAST-CPU-EQUALS-REFERENCE")
    void reductionsGiveTheReferenceBits() {
        qt().withExamples(200).forAll(longs().all(), integers().between(0, 5)).checkAssert((seed, shapeSeed) -> {
            SplittableRandom r = new SplittableRandom(seed);
            int outer = r.nextInt(0, 4);
            int n = r.nextInt(0, 9);
            int inner = r.nextInt(1, 4);
            float[] a = values(r, outer * n * inner, 0.3, shapeSeed % 2 == 0);
            for (ReduceOp op : ReduceOp.values()) {
                CpuStorage outRef = storage(REF, new float[outer * inner]);
                CpuStorage outFast = storage(FAST, new float[outer * inner]);
                REF.reduce(op, storage(REF, a), outer, n, inner, outRef);
                FAST.reduce(op, storage(FAST, a), outer, n, inner, outFast);
                assertSameBits(outRef.f(), outFast.f(), op + " seed " + seed);
            }
        });
    }

    /**
     * The tutorial's step on both backends: a product whose result the fast backend remembers as mostly
     * zeros, then an in-place update that uses that knowledge — repeated, so that remembered finiteness
     * carries from step to step — gives the reference's bits, also when an update makes a weight infinite.
     */
    @Test
    @Spec("BACKEND-FAST-CPU-EQUALS-REFERENCE")
    void sequencesThatReuseRememberedFactsGiveTheReferenceBits() {
        qt().withExamples(60).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            int classes = r.nextInt(1, 4);
            int vocab = 4096 + r.nextInt(0, 200);
            float[] w = values(r, classes * vocab, 0.0, false);
            for (int i = 0; i < w.length; i += 1 + r.nextInt(50)) {
                w[i] = r.nextBoolean() ? -0f : 0f; // signed zeros, which a careless skip would flip
            }
            CpuStorage wRef = storage(REF, w);
            CpuStorage wFast = storage(FAST, w);
            for (int step = 0; step < 4; step++) {
                float[] x = values(r, vocab, 0.998, false);
                float[] g = values(r, classes, 0.0, step == 2 && r.nextBoolean());
                double lr = step == 3 ? -1e38 : r.nextDouble();
                // forward y = x·Wᵀ
                CpuStorage yRef = storage(REF, new float[classes]);
                CpuStorage yFast = (CpuStorage) FAST.zeros(DType.FLOAT32, classes);
                CpuStorage xRef = storage(REF, x);
                CpuStorage xFast = fastInput(r, x);
                REF.matmul(xRef, false, wRef, true, 1, vocab, classes, null, yRef);
                FAST.matmul(xFast, false, wFast, true, 1, vocab, classes, null, yFast);
                assertSameBits(yRef.f(), yFast.f(), "forward step " + step + " seed " + seed);
                // dW = gᵀ·x, then W ← W + (−lr)·dW in place
                CpuStorage dRef = storage(REF, new float[classes * vocab]);
                CpuStorage dFast = (CpuStorage) FAST.zeros(DType.FLOAT32, classes * vocab);
                REF.matmul(storage(REF, g), true, xRef, false, classes, 1, vocab, null, dRef);
                FAST.matmul(storage(FAST, g), true, xFast, false, classes, 1, vocab, null, dFast);
                assertSameBits(dRef.f(), dFast.f(), "gradient step " + step + " seed " + seed);
                int[] shape = {classes * vocab};
                int[] strides = {1};
                double s = r.nextInt(4) == 0 ? (float) lr : (float) -lr; // sometimes gradient ascent
                REF.zip(BinaryOp.ADD, s, wRef, strides, dRef, strides, shape, wRef);
                FAST.zip(BinaryOp.ADD, s, wFast, strides, dFast, strides, shape, wFast);
                assertSameBits(wRef.f(), wFast.f(), "update step " + step + " seed " + seed);
            }
        });
    }

    @Test
    @Spec("BACKEND-FAST-CPU-EQUALS-REFERENCE")
    void writingThroughTheArrayMakesTheFastBackendForgetWhatItKnew() {
        CpuStorage w = (CpuStorage) FAST.zeros(DType.FLOAT32, 2 * 5000);
        CpuStorage x = (CpuStorage) FAST.zeros(DType.FLOAT32, 5000);
        x.floatArray()[7] = 1f;
        w.floatArray()[7] = Float.POSITIVE_INFINITY; // the fast backend had remembered w as all +0 and finite
        CpuStorage y = (CpuStorage) FAST.zeros(DType.FLOAT32, 2);
        FAST.matmul(x, false, w, true, 1, 5000, 2, null, y);
        assertEquals(Float.POSITIVE_INFINITY, y.f()[0]);
        w.floatArray()[5000 + 3] = Float.NaN; // at a position x skips: the reference gives 0·NaN = NaN
        FAST.matmul(x, false, w, true, 1, 5000, 2, null, y);
        CpuStorage yRef = storage(REF, new float[2]);
        REF.matmul(x, false, w, true, 1, 5000, 2, null, yRef);
        assertSameBits(yRef.f(), y.f(), "after writes through floatArray()");
        assertEquals(true, Float.isNaN(y.f()[1]));
        assertEquals(Arrays.toString(yRef.f()), Arrays.toString(y.f()));
    }
}
