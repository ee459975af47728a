package dlblocks.cuda;

import static dlblocks.cuda.Samples.assertSame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dlblocks.Tolerances;
import dlblocks.spec.Spec;
import dlblocks.tensor.Backend;
import dlblocks.tensor.Backends;
import dlblocks.tensor.BinaryOp;
import dlblocks.tensor.CpuBackend;
import dlblocks.tensor.DType;
import dlblocks.tensor.Device;
import dlblocks.tensor.ReduceOp;
import dlblocks.tensor.Storage;
import dlblocks.tensor.UnaryOp;
import java.util.EnumSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every kernel of the CUDA backend against the CPU reference ({@link CpuBackend}) on the same inputs:
 * random shapes (1, primes, around the tile sizes, large) and values (with ±0, ±∞, NaN and subnormals
 * where the kernel must handle them). Equal bit for bit wherever both perform the same correctly rounded
 * operations in the same order; transcendental functions and the float32 matrix product within the
 * bounds derived in {@link Tolerances}. Skipped, with the reason, where there is no GPU.
 */
class CudaKernelsProperties {
    private static final Backend CPU = CpuBackend.INSTANCE;
    private static final EnumSet<UnaryOp> TRANSCENDENTAL =
            EnumSet.of(UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.POW_SCALAR);
    private static final DType[] ALL = DType.values();
    private Backend gpu;

    @BeforeEach
    void needsCuda() {
        gpu = Gpu.backend();
    }

    /** The same values in a storage of each backend. */
    private Storage[] both(DType dtype, double[] values) {
        return new Storage[] {CPU.fromDoubles(dtype, values), gpu.fromDoubles(dtype, values)};
    }

    private Storage[] zeros(DType dtype, int n) {
        return new Storage[] {CPU.zeros(dtype, n), gpu.zeros(dtype, n)};
    }

    private void assertBothHoldTheSame(Storage[] out, String what) {
        assertSame(CPU.toDoubles(out[0]), gpu.toDoubles(out[1]), what);
    }

    @Test
    @Spec("CUDA-KERNELS-EQUAL-CPU")
    void creatingReadingAndConvertingStoragesEqualsTheCpu() {
        qt().withExamples(60).forAll(longs().all(), integers().between(0, 300)).checkAssert((seed, n) -> {
            SplittableRandom r = new SplittableRandom(seed);
            for (DType from : ALL) {
                double[] v = Samples.values(r, n, from, true);
                Storage[] src = both(from, v);
                assertBothHoldTheSame(src, "fromDoubles " + from + " seed " + seed);
                assertArrayEquals(CPU.toLongs(src[0]), gpu.toLongs(src[1]), "toLongs " + from + " seed " + seed);
                long[] longs = CPU.toLongs(src[0]);
                for (DType to : ALL) {
                    Storage[] out = zeros(to, n);
                    CPU.copy(src[0], out[0]);
                    gpu.copy(src[1], out[1]);
                    assertBothHoldTheSame(out, "copy " + from + " → " + to + " seed " + seed);
                    assertSame(CPU.toDoubles(CPU.fromLongs(to, longs)), gpu.toDoubles(gpu.fromLongs(to, longs)),
                            "fromLongs " + to + " seed " + seed);
                }
                if (from == DType.FLOAT32) {
                    assertArrayEquals(CPU.toFloats(src[0]), gpu.toFloats(src[1]), "toFloats seed " + seed);
                }
            }
        });
    }

    @Test
    @Spec("CUDA-KERNELS-EQUAL-CPU")
    void stridedReadsTransposesBroadcastsAndSlicesEqualTheCpu() {
        qt().withExamples(150).forAll(longs().all(), integers().between(0, 5)).checkAssert((seed, rank) -> {
            SplittableRandom r = new SplittableRandom(seed);
            int[] inShape = Samples.shape(r, rank);
            int[] inStrides = Samples.contiguousStrides(inShape);
            // permute the dimensions
            int[] order = new int[rank];
            for (int d = 0; d < rank; d++) order[d] = d;
            for (int d = rank - 1; d > 0; d--) {
                int j = r.nextInt(d + 1);
                int t = order[d];
                order[d] = order[j];
                order[j] = t;
            }
            int[] shape = new int[rank];
            int[] strides = new int[rank];
            for (int d = 0; d < rank; d++) {
                shape[d] = inShape[order[d]];
                strides[d] = inStrides[order[d]];
                if (shape[d] == 1 && r.nextBoolean()) { // broadcast a size-1 dimension
                    shape[d] = r.nextInt(1, 6);
                    strides[d] = 0;
                }
            }
            int offset = 0;
            if (rank > 0 && r.nextBoolean()) { // select one index of the first dimension
                offset = r.nextInt(shape[0]) * strides[0];
                shape = java.util.Arrays.copyOfRange(shape, 1, rank);
                strides = java.util.Arrays.copyOfRange(strides, 1, rank);
            }
            DType dtype = ALL[r.nextInt(ALL.length)];
            Storage[] in = both(dtype, Samples.values(r, Samples.numel(inShape), dtype, true));
            Storage[] out = zeros(dtype, Samples.numel(shape));
            CPU.strided(in[0], offset, strides, shape, out[0]);
            gpu.strided(in[1], offset, strides, shape, out[1]);
            assertBothHoldTheSame(out, "strided " + dtype + " seed " + seed);
        });
    }

    @Test
    @Spec({"CUDA-KERNELS-EQUAL-CPU", "CUDA-TRANSCENDENTALS-WITHIN-STEP-BOUND"})
    void everyElementwiseFunctionEqualsTheCpuOrIsWithinItsStepBound() {
        double[] scalars = {1, -1, 0.5, 2, 3, -1.5, 0.0, -0.0, 1e-3};
        qt().withExamples(40).forAll(longs().all(), integers().between(0, 2000)).checkAssert((seed, n) -> {
            SplittableRandom r = new SplittableRandom(seed);
            for (UnaryOp op : UnaryOp.values()) {
                for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.BOOL}) {
                    boolean floating = dtype.isFloatingPoint();
                    if (!floating && TRANSCENDENTAL.contains(op)) {
                        continue; // an integer result of exp would truncate a double that may differ in its last bit
                    }
                    double s = scalars[r.nextInt(scalars.length)];
                    double[] v = dtype == DType.FLOAT64 && TRANSCENDENTAL.contains(op)
                            ? Samples.moderate(r, n, dtype, 30) : Samples.values(r, n, dtype, true);
                    Storage[] in = both(dtype, v);
                    Storage[] out = zeros(dtype, n);
                    CPU.map(op, s, in[0], out[0]);
                    gpu.map(op, s, in[1], out[1]);
                    String what = op + " " + dtype + " s=" + s + " seed " + seed;
                    if (!TRANSCENDENTAL.contains(op)) {
                        assertBothHoldTheSame(out, what);
                    } else {
                        assertWithinSteps(CPU.toDoubles(out[0]), gpu.toDoubles(out[1]), dtype, v, what);
                    }
                }
            }
        });
    }

    private static void assertWithinSteps(double[] cpu, double[] cuda, DType dtype, double[] in, String what) {
        for (int i = 0; i < cpu.length; i++) {
            long steps = dtype == DType.FLOAT32 ? Tolerances.steps((float) cpu[i], (float) cuda[i])
                    : Tolerances.steps(cpu[i], cuda[i]);
            long bound = dtype == DType.FLOAT32 ? Tolerances.CUDA_F32_TRANSCENDENTAL_STEPS
                    : Tolerances.CUDA_F64_TRANSCENDENTAL_STEPS;
            assertTrue(steps <= bound, what + ": element " + i + " (x = " + in[i] + "): CPU " + cpu[i] + ", CUDA "
                    + cuda[i] + " are " + steps + " steps apart, more than " + bound);
        }
    }

    @Test
    @Spec("CUDA-KERNELS-EQUAL-CPU")
    void everyBinaryFunctionWithBroadcastingEqualsTheCpu() {
        double[] scalars = {1, -1, 0.5, 3, -0.1};
        qt().withExamples(80).forAll(longs().all(), integers().between(0, 4)).checkAssert((seed, rank) -> {
            SplittableRandom r = new SplittableRandom(seed);
            int[] shape = Samples.shape(r, rank);
            int[][] operandShapes = new int[2][rank];
            int[][] strides = new int[2][];
            for (int k = 0; k < 2; k++) {
                for (int d = 0; d < rank; d++) operandShapes[k][d] = r.nextInt(3) == 0 ? 1 : shape[d];
                strides[k] = Samples.contiguousStrides(operandShapes[k]);
                for (int d = 0; d < rank; d++) if (operandShapes[k][d] == 1) strides[k][d] = 0;
            }
            int n = Samples.numel(shape);
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT64}) {
                Storage[] a = both(dtype, Samples.values(r, Samples.numel(operandShapes[0]), dtype, true));
                Storage[] b = both(dtype, Samples.values(r, Samples.numel(operandShapes[1]), dtype, true));
                for (BinaryOp op : BinaryOp.values()) {
                    double s = scalars[r.nextInt(scalars.length)];
                    Storage[] out = zeros(dtype, n);
                    CPU.zip(op, s, a[0], strides[0], b[0], strides[1], shape, out[0]);
                    gpu.zip(op, s, a[1], strides[0], b[1], strides[1], shape, out[1]);
                    assertBothHoldTheSame(out, op + " " + dtype + " s=" + s + " shape " + java.util.Arrays.toString(shape)
                            + " seed " + seed);
                }
            }
        });
    }

    @Test
    @Spec("CUDA-KERNELS-EQUAL-CPU")
    void sumsMaximaAndArgmaxAlongADimensionEqualTheCpu() {
        qt().withExamples(100).forAll(longs().all(), integers().between(0, 3)).checkAssert((seed, variant) -> {
            SplittableRandom r = new SplittableRandom(seed);
            int outer = Samples.size(r);
            int n = variant == 0 ? r.nextInt(1000, 20000) : Samples.size(r);
            int inner = variant == 0 ? 1 : Samples.size(r);
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT64}) {
                double[] v = Samples.values(r, outer * n * inner, dtype, variant != 1);
                if (variant == 2) { // ties: every value one of a few
                    for (int i = 0; i < v.length; i++) v[i] = r.nextInt(3);
                }
                Storage[] in = both(dtype, v);
                for (ReduceOp op : ReduceOp.values()) {
                    Storage[] out = zeros(dtype, outer * inner);
                    CPU.reduce(op, in[0], outer, n, inner, out[0]);
                    gpu.reduce(op, in[1], outer, n, inner, out[1]);
                    assertBothHoldTheSame(out, op + " " + dtype + " (" + outer + ", " + n + ", " + inner + ") seed " + seed);
                }
                Storage[] best = zeros(DType.INT64, outer * inner);
                CPU.argmax(in[0], outer, n, inner, best[0]);
                gpu.argmax(in[1], outer, n, inner, best[1]);
                assertBothHoldTheSame(best, "argmax " + dtype + " (" + outer + ", " + n + ", " + inner + ") seed " + seed);
            }
        });
    }

    @Test
    @Spec("CUDA-KERNELS-EQUAL-CPU")
    void gatherAndItsAdjointScatterAddEqualTheCpu() {
        qt().withExamples(100).forAll(longs().all(), integers().between(1, 40)).checkAssert((seed, j) -> {
            SplittableRandom r = new SplittableRandom(seed);
            int outer = Samples.size(r);
            int n = Samples.size(r);
            int inner = r.nextInt(3) == 0 ? Samples.size(r) : 1;
            long[] index = new long[outer * j * inner];
            for (int i = 0; i < index.length; i++) index[i] = r.nextInt(n); // with repeats
            Storage[] idx = {CPU.fromLongs(DType.INT64, index), gpu.fromLongs(DType.INT64, index)};
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT64}) {
                Storage[] in = both(dtype, Samples.values(r, outer * n * inner, dtype, true));
                Storage[] gathered = zeros(dtype, index.length);
                CPU.gather(in[0], outer, n, inner, idx[0], j, gathered[0]);
                gpu.gather(in[1], outer, n, inner, idx[1], j, gathered[1]);
                assertBothHoldTheSame(gathered, "gather " + dtype + " seed " + seed);
                Storage[] out = both(dtype, Samples.values(r, outer * n * inner, dtype, false)); // adds into these
                CPU.scatterAdd(gathered[0], idx[0], outer, j, inner, n, out[0]);
                gpu.scatterAdd(gathered[1], idx[1], outer, j, inner, n, out[1]);
                assertBothHoldTheSame(out, "scatterAdd " + dtype + " seed " + seed);
            }
        });
    }

    @Test
    @Spec("CUDA-KERNELS-EQUAL-CPU")
    void float64MatrixProductsEqualTheCpuBitForBit() {
        qt().withExamples(60).forAll(longs().all(), integers().between(0, 3)).checkAssert((seed, t) -> {
            SplittableRandom r = new SplittableRandom(seed);
            int m = Samples.size(r);
            int k = Samples.size(r, 400);
            int n = Samples.size(r);
            boolean transA = (t & 1) != 0;
            boolean transB = (t & 2) != 0;
            Storage[] a = both(DType.FLOAT64, Samples.values(r, m * k, DType.FLOAT64, false));
            Storage[] b = both(DType.FLOAT64, Samples.values(r, k * n, DType.FLOAT64, false));
            Storage[] bias = r.nextBoolean() ? both(DType.FLOAT64, Samples.values(r, n, DType.FLOAT64, true)) : null;
            Storage[] out = zeros(DType.FLOAT64, m * n);
            CPU.matmul(a[0], transA, b[0], transB, m, k, n, bias == null ? null : bias[0], out[0]);
            gpu.matmul(a[1], transA, b[1], transB, m, k, n, bias == null ? null : bias[1], out[1]);
            assertBothHoldTheSame(out, "dgemm " + m + "x" + k + "x" + n + " transA=" + transA + " transB=" + transB
                    + (bias == null ? "" : " with a bias") + " seed " + seed);
        });
    }

    @Test
    @Spec("CUDA-MATMUL-WITHIN-DERIVED-TOLERANCE")
    void float32MatrixProductsAreWithinTheDerivedBoundOfTheCpus() {
        Backend cpu = Backends.of(Device.CPU); // the fast CPU backend: the reference's bits, sooner
        qt().withExamples(60).forAll(longs().all(), integers().between(0, 7)).checkAssert((seed, t) -> {
            SplittableRandom r = new SplittableRandom(seed);
            boolean splitK = t >= 4; // a short, narrow product with a long K: the kernel splits K
            int m = splitK ? r.nextInt(1, 9) : Samples.size(r, 700);
            int k = splitK ? r.nextInt(2000, 80000) : Samples.size(r, 700);
            int n = splitK ? r.nextInt(1, 9) : Samples.size(r, 700);
            boolean transA = (t & 1) != 0;
            boolean transB = (t & 2) != 0;
            double[] av = Samples.values(r, m * k, DType.FLOAT32, false);
            double[] bv = Samples.values(r, k * n, DType.FLOAT32, false);
            Storage ca = cpu.fromDoubles(DType.FLOAT32, av);
            Storage cb = cpu.fromDoubles(DType.FLOAT32, bv);
            Storage cOut = cpu.zeros(DType.FLOAT32, m * n);
            Storage gOut = gpu.zeros(DType.FLOAT32, m * n);
            cpu.matmul(ca, transA, cb, transB, m, k, n, null, cOut);
            gpu.matmul(gpu.fromDoubles(DType.FLOAT32, av), transA, gpu.fromDoubles(DType.FLOAT32, bv), transB, m, k, n,
                    null, gOut);
            assertWithinMatmulBound(av, transA, bv, transB, m, k, n, cpu.toDoubles(cOut), gpu.toDoubles(gOut),
                    "seed " + seed);
        });
    }

    @Test
    @Spec("CUDA-MATMUL-WITHIN-DERIVED-TOLERANCE")
    void aFloat32ProductIsWithinTheSameBoundWhateverTheSplitOfK() {
        // The benchmarks time plans other than the one matmul chooses; each must still be a correct product.
        Backend cpu = Backends.of(Device.CPU);
        CudaBackend cuda = (CudaBackend) gpu;
        qt().withExamples(30).forAll(longs().all(), integers().between(0, 3)).checkAssert((seed, t) -> {
            SplittableRandom r = new SplittableRandom(seed);
            int m = Samples.size(r, 150);
            int k = r.nextInt(1, 3000);
            int n = Samples.size(r, 150);
            boolean transA = (t & 1) != 0;
            boolean transB = (t & 2) != 0;
            MatmulPlan plan = MatmulPlan.withSplits(m, n, k, r.nextInt(1, 40));
            double[] av = Samples.values(r, m * k, DType.FLOAT32, false);
            double[] bv = Samples.values(r, k * n, DType.FLOAT32, false);
            Storage cOut = cpu.zeros(DType.FLOAT32, m * n);
            cpu.matmul(cpu.fromDoubles(DType.FLOAT32, av), transA, cpu.fromDoubles(DType.FLOAT32, bv), transB, m, k, n,
                    null, cOut);
            CudaStorage gOut = (CudaStorage) gpu.zeros(DType.FLOAT32, m * n);
            cuda.sgemm((CudaStorage) gpu.fromDoubles(DType.FLOAT32, av), transA,
                    (CudaStorage) gpu.fromDoubles(DType.FLOAT32, bv), transB, m, k, n, null, gOut, plan);
            assertWithinMatmulBound(av, transA, bv, transB, m, k, n, cpu.toDoubles(cOut), gpu.toDoubles(gOut),
                    plan + ", seed " + seed);
        });
    }

    @Test
    @Spec({"CUDA-KERNELS-EQUAL-CPU", "TENSOR-ADDMM-IS-MM-THEN-ADD"})
    void aBiasAddedByTheProductEqualsTheProductThenTheAddBitForBit() {
        // nn.Linear's y = x·Wᵀ + b: the split-K sum adds b after the partials, or (unsplit) a broadcast add
        // follows the product; either way the bits of matmul followed by that add, whatever the plan.
        CudaBackend cuda = (CudaBackend) gpu;
        qt().withExamples(40).forAll(longs().all(), integers().between(0, 3)).checkAssert((seed, t) -> {
            SplittableRandom r = new SplittableRandom(seed);
            int m = Samples.size(r, 150);
            int k = r.nextInt(1, 3000);
            int n = Samples.size(r, 150);
            boolean transA = (t & 1) != 0;
            boolean transB = (t & 2) != 0;
            MatmulPlan plan = r.nextBoolean() ? MatmulPlan.of(m, n, k, 2 * 132) : MatmulPlan.withSplits(m, n, k,
                    r.nextInt(1, 40));
            CudaStorage a = (CudaStorage) gpu.fromDoubles(DType.FLOAT32, Samples.values(r, m * k, DType.FLOAT32, false));
            CudaStorage b = (CudaStorage) gpu.fromDoubles(DType.FLOAT32, Samples.values(r, k * n, DType.FLOAT32, false));
            CudaStorage bias = (CudaStorage) gpu.fromDoubles(DType.FLOAT32, Samples.values(r, n, DType.FLOAT32, true));
            CudaStorage product = (CudaStorage) gpu.zeros(DType.FLOAT32, m * n);
            cuda.sgemm(a, transA, b, transB, m, k, n, null, product, plan);
            Storage expected = gpu.zeros(DType.FLOAT32, m * n);
            gpu.zip(BinaryOp.ADD, 1, product, new int[] {n, 1}, bias, new int[] {0, 1}, new int[] {m, n}, expected);
            CudaStorage fused = (CudaStorage) gpu.zeros(DType.FLOAT32, m * n);
            cuda.sgemm(a, transA, b, transB, m, k, n, bias, fused, plan);
            assertSame(gpu.toDoubles(expected), gpu.toDoubles(fused), plan + " transA=" + transA + " transB=" + transB
                    + ", seed " + seed);
        });
    }

    @Test
    @Spec({"CUDA-KERNELS-EQUAL-CPU", "TENSOR-ADDMM-IS-MM-THEN-ADD"})
    void aProductOverAnEmptyKIsTheBiasAsTheCpuAddsItToZero() {
        double[] biasValues = {-0.0, 1.5, Double.POSITIVE_INFINITY, Double.NaN};
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Storage[] bias = both(dtype, biasValues);
            Storage[] out = zeros(dtype, 3 * 4);
            CPU.matmul(CPU.zeros(dtype, 0), false, CPU.zeros(dtype, 0), false, 3, 0, 4, bias[0], out[0]);
            gpu.matmul(gpu.zeros(dtype, 0), false, gpu.zeros(dtype, 0), false, 3, 0, 4, bias[1], out[1]);
            assertBothHoldTheSame(out, "3x0 by 0x4 plus a bias, " + dtype);
        }
    }

    /** Every element of the product is within {@link Tolerances#cudaMatmulBound} of the CPU's. */
    private static void assertWithinMatmulBound(double[] av, boolean transA, double[] bv, boolean transB, int m, int k,
            int n, double[] expected, double[] actual, String what) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sumAbs = 0;
                for (int p = 0; p < k; p++) {
                    sumAbs += Math.abs(av[transA ? p * m + i : i * k + p]) * Math.abs(bv[transB ? j * k + p : p * n + j]);
                }
                double bound = Tolerances.cudaMatmulBound(k, sumAbs);
                double diff = Math.abs(expected[i * n + j] - actual[i * n + j]);
                assertTrue(diff <= bound, "sgemm " + m + "x" + k + "x" + n + " transA=" + transA + " transB=" + transB
                        + " at (" + i + ", " + j + "): CPU " + expected[i * n + j] + ", CUDA " + actual[i * n + j]
                        + ", |Δ| = " + diff + " > " + bound + ", " + what);
            }
        }
    }
}
