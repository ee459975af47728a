package dlblocks.cuda;

import static dlblocks.Tolerances.F32_U;
import static dlblocks.Tolerances.F64_U;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dlblocks.Tolerances;
import dlblocks.affine.Affine;
import dlblocks.loss.Losses;
import dlblocks.loss.Reduction;
import dlblocks.nonlinear.Nonlinear;
import dlblocks.softmax.Softmax;
import dlblocks.spec.Spec;
import dlblocks.tensor.DType;
import dlblocks.tensor.Device;
import dlblocks.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tutorial's building blocks, forward and backward, on every device: each float32 result is within
 * its derived forward-error bound ({@link Tolerances}) of the exact result, evaluated in float64 on the
 * CPU. Run on the CPU the properties check the bounds themselves; run on CUDA they show the GPU is as
 * accurate as the CPU reference, so the two differ by at most twice the bound. The "cuda:0" cases are
 * skipped, with the reason, where there is no GPU.
 */
class CudaConceptProperties {
    /** A float32 tensor of the values (already float-rounded) on the device, as a leaf needing grad. */
    static Tensor leaf(double[] values, Device device, int... shape) {
        return Tensor.fromDoubles(DType.FLOAT32, values, shape).to(device).requiresGrad_(true);
    }

    /** The same values as an exact float64 CPU leaf. */
    static Tensor exact(double[] values, int... shape) {
        return Tensor.fromDoubles(DType.FLOAT64, values, shape).requiresGrad_(true);
    }

    static double[] floats(SplittableRandom r, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * scale);
        return v;
    }

    /** Asserts |computed − exact| ≤ bound(i) for every element (NaN matching NaN), naming the first that is not. */
    static void assertWithin(double[] computed, double[] exact, java.util.function.IntToDoubleFunction bound, String what) {
        assertEquals(exact.length, computed.length, what + ": length");
        for (int i = 0; i < exact.length; i++) {
            if (Double.isNaN(exact[i]) && Double.isNaN(computed[i])) {
                continue; // e.g. a mean over no targets (all ignored): NaN on both, as in PyTorch
            }
            double b = bound.applyAsDouble(i);
            double diff = Math.abs(computed[i] - exact[i]);
            assertTrue(diff <= b, what + ": element " + i + ": computed " + computed[i] + ", exact " + exact[i]
                    + ", |Δ| = " + diff + " > bound " + b);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dlblocks.cuda.Gpu#devices")
    @Spec("CUDA-CONCEPTS-WITHIN-DERIVED-BOUNDS")
    void linearForwardAndBackwardAreWithinTheDotProductBounds(String deviceName) {
        Device device = Gpu.use(deviceName);
        qt().withExamples(25).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            int batch = Samples.size(r, 300);
            int in = Samples.size(r, 600);
            int out = Samples.size(r, 300);
            double[] xv = floats(r, batch * in, 1);
            double[] wv = floats(r, out * in, 0.1);
            double[] bv = floats(r, out, 0.1);
            double[] gv = floats(r, batch * out, 1);
            Tensor x = leaf(xv, device, batch, in);
            Tensor w = leaf(wv, device, out, in);
            Tensor b = leaf(bv, device, out);
            Affine.linear(x, w, b).backward(Tensor.fromDoubles(DType.FLOAT32, gv, batch, out).to(device));
            Tensor x64 = exact(xv, batch, in);
            Tensor w64 = exact(wv, out, in);
            Tensor b64 = exact(bv, out);
            Tensor y64 = Affine.linear(x64, w64, b64);
            y64.backward(Tensor.fromDoubles(DType.FLOAT64, gv, batch, out));
            String what = "Linear(" + in + ", " + out + ") on a batch of " + batch + ", seed " + seed;
            double[] y = Affine.linear(x.detach(), w.detach(), b.detach()).toDoubleArray();
            assertWithin(y, y64.toDoubleArray(), e -> {
                int i = e / out;
                int o = e % out;
                double s = Math.abs(bv[o]);
                for (int p = 0; p < in; p++) s += Math.abs(xv[i * in + p] * wv[o * in + p]);
                return Tolerances.dotBound(in + 1, s, F32_U) + Tolerances.dotBound(in + 1, s, F64_U);
            }, what + ", forward");
            assertWithin(x.grad().toDoubleArray(), x64.grad().toDoubleArray(), e -> {
                int i = e / in;
                int p = e % in;
                double s = 0;
                for (int o = 0; o < out; o++) s += Math.abs(gv[i * out + o] * wv[o * in + p]);
                return Tolerances.dotBound(out, s, F32_U) + Tolerances.dotBound(out, s, F64_U);
            }, what + ", ∂L/∂x");
            assertWithin(w.grad().toDoubleArray(), w64.grad().toDoubleArray(), e -> {
                int o = e / in;
                int p = e % in;
                double s = 0;
                for (int i = 0; i < batch; i++) s += Math.abs(gv[i * out + o] * xv[i * in + p]);
                return Tolerances.dotBound(batch, s, F32_U) + Tolerances.dotBound(batch, s, F64_U);
            }, what + ", ∂L/∂A");
            assertWithin(b.grad().toDoubleArray(), b64.grad().toDoubleArray(), o -> {
                double s = 0;
                for (int i = 0; i < batch; i++) s += Math.abs(gv[i * out + o]);
                return Tolerances.dotBound(batch, s, F32_U) + Tolerances.dotBound(batch, s, F64_U);
            }, what + ", ∂L/∂b");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dlblocks.cuda.Gpu#devices")
    @Spec("CUDA-CONCEPTS-WITHIN-DERIVED-BOUNDS")
    void reluTanhAndSigmoidAreWithinTheirBoundsAndReluIsExact(String deviceName) {
        Device device = Gpu.use(deviceName);
        qt().withExamples(40).forAll(longs().all(), integers().between(1, 5000)).checkAssert((seed, n) -> {
            SplittableRandom r = new SplittableRandom(seed);
            double[] xv = floats(r, n, 4);
            for (int i = 0; i < n; i += 7) xv[i] = r.nextBoolean() ? 0.0 : -0.0; // relu's kink
            double[] gv = floats(r, n, 1);
            String[] names = {"relu", "tanh", "sigmoid"};
            @SuppressWarnings("unchecked")
            UnaryOperator<Tensor>[] fs = new UnaryOperator[] {
                (UnaryOperator<Tensor>) Nonlinear::relu, (UnaryOperator<Tensor>) Nonlinear::tanh,
                (UnaryOperator<Tensor>) Nonlinear::sigmoid};
            for (int f = 0; f < fs.length; f++) {
                Tensor x = leaf(xv, device, n);
                Tensor y = fs[f].apply(x);
                y.backward(Tensor.fromDoubles(DType.FLOAT32, gv, n).to(device));
                Tensor x64 = exact(xv, n);
                Tensor y64 = fs[f].apply(x64);
                y64.backward(Tensor.fromDoubles(DType.FLOAT64, gv, n));
                double[] ye = y64.toDoubleArray();
                String what = names[f] + " of " + n + " values, seed " + seed;
                if (f == 0) { // relu and its gradient are exact: max(0, x) and g·[x > 0] round nothing
                    Samples.assertSame(ye, y.toDoubleArray(), what);
                    Samples.assertSame(x64.grad().toDoubleArray(), x.grad().toDoubleArray(), what + ", gradient");
                    continue;
                }
                assertWithin(y.toDoubleArray(), ye, i -> Tolerances.transcendentalBound(F32_U, ye[i])
                        + Tolerances.transcendentalBound(F64_U, ye[i]), what);
                boolean tanh = f == 1;
                assertWithin(x.grad().toDoubleArray(), x64.grad().toDoubleArray(), i -> tanh
                        ? Tolerances.tanhGradBound(F32_U, gv[i]) + Tolerances.tanhGradBound(F64_U, gv[i])
                        : Tolerances.sigmoidGradBound(F32_U, gv[i], ye[i]) + Tolerances.sigmoidGradBound(F64_U, gv[i], ye[i]),
                        what + ", gradient");
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dlblocks.cuda.Gpu#devices")
    @Spec("CUDA-CONCEPTS-WITHIN-DERIVED-BOUNDS")
    void softmaxAndLogSoftmaxAreWithinTheirBoundsForwardAndBackward(String deviceName) {
        Device device = Gpu.use(deviceName);
        qt().withExamples(40).forAll(longs().all(), integers().between(0, 1)).checkAssert((seed, dim) -> {
            SplittableRandom r = new SplittableRandom(seed);
            int rows = Samples.size(r, 300);
            int cols = Samples.size(r, 1000);
            double[] xv = Samples.moderate(r, rows * cols, DType.FLOAT32, 8);
            double[] gv = floats(r, rows * cols, 1);
            int n = dim == 1 ? cols : rows; // the length of each softmax
            for (boolean log : new boolean[] {false, true}) {
                Tensor x = leaf(xv, device, rows, cols);
                Tensor y = log ? Softmax.logSoftmax(x, dim) : Softmax.softmax(x, dim);
                y.backward(Tensor.fromDoubles(DType.FLOAT32, gv, rows, cols).to(device));
                Tensor x64 = exact(xv, rows, cols);
                Tensor y64 = log ? Softmax.logSoftmax(x64, dim) : Softmax.softmax(x64, dim);
                y64.backward(Tensor.fromDoubles(DType.FLOAT64, gv, rows, cols));
                double[] ye = y64.toDoubleArray();
                double[] p = log ? Softmax.softmax(x64.detach(), dim).toDoubleArray() : ye; // the probabilities
                int slices = dim == 1 ? rows : cols; // each softmax runs along one row (dim 1) or column (dim 0)
                double[] sliceSpread = new double[slices];
                double[] sliceAbsG = new double[slices];
                double[] sliceAbsGy = new double[slices];
                for (int s = 0; s < slices; s++) {
                    double max = Double.NEGATIVE_INFINITY;
                    double min = Double.POSITIVE_INFINITY;
                    for (int k = 0; k < n; k++) {
                        int at = dim == 1 ? s * cols + k : k * cols + s;
                        max = Math.max(max, xv[at]);
                        min = Math.min(min, xv[at]);
                        sliceAbsG[s] += Math.abs(gv[at]);
                        sliceAbsGy[s] += Math.abs(gv[at]) * p[at];
                    }
                    sliceSpread[s] = max - min;
                }
                double[] spread = new double[rows * cols];
                double[] sumAbsG = new double[rows * cols];
                double[] sumAbsGy = new double[rows * cols];
                for (int e = 0; e < rows * cols; e++) {
                    int s = dim == 1 ? e / cols : e % cols;
                    spread[e] = sliceSpread[s];
                    sumAbsG[e] = sliceAbsG[s];
                    sumAbsGy[e] = sliceAbsGy[s];
                }
                String what = (log ? "logSoftmax" : "softmax") + " of " + rows + "x" + cols + " along dim " + dim
                        + ", seed " + seed;
                if (log) {
                    assertWithin(y.toDoubleArray(), ye, e -> Tolerances.logSoftmaxBound(F32_U, n, spread[e])
                            + Tolerances.logSoftmaxBound(F64_U, n, spread[e]), what);
                    assertWithin(x.grad().toDoubleArray(), x64.grad().toDoubleArray(), e ->
                            Tolerances.logSoftmaxGradBound(F32_U, n, spread[e], p[e], gv[e], sumAbsG[e])
                            + Tolerances.logSoftmaxGradBound(F64_U, n, spread[e], p[e], gv[e], sumAbsG[e]),
                            what + ", gradient");
                } else {
                    assertWithin(y.toDoubleArray(), ye, e -> Tolerances.softmaxBound(F32_U, n, spread[e], ye[e])
                            + Tolerances.softmaxBound(F64_U, n, spread[e], ye[e]), what);
                    assertWithin(x.grad().toDoubleArray(), x64.grad().toDoubleArray(), e ->
                            Tolerances.softmaxGradBound(F32_U, n, spread[e], ye[e], gv[e], sumAbsGy[e])
                            + Tolerances.softmaxGradBound(F64_U, n, spread[e], ye[e], gv[e], sumAbsGy[e]),
                            what + ", gradient");
                }
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dlblocks.cuda.Gpu#devices")
    @Spec("CUDA-CONCEPTS-WITHIN-DERIVED-BOUNDS")
    void crossEntropysGradientIsWithinTheLogSoftmaxBoundWithEveryOption(String deviceName) {
        Device device = Gpu.use(deviceName);
        qt().withExamples(60).forAll(longs().all(), integers().between(0, 11)).checkAssert((seed, option) -> {
            SplittableRandom r = new SplittableRandom(seed);
            LossCase c = LossCase.random(r, option);
            double[] xv = Samples.moderate(r, c.batch * c.classes, DType.FLOAT32, 8);
            Tensor x = leaf(xv, device, c.batch, c.classes);
            c.loss(x, device, true).backward(c.upstream(device, DType.FLOAT32));
            Tensor x64 = exact(xv, c.batch, c.classes);
            c.loss(x64, Device.CPU, false).backward(c.upstream(Device.CPU, DType.FLOAT64));
            // ∂L/∂(log p) from float64 NLL: one non-zero per row, at the target
            Tensor logP = Softmax.logSoftmax(x64.detach(), 1).requiresGrad_(true);
            c.nll(logP, Device.CPU, false).backward(c.upstream(Device.CPU, DType.FLOAT64));
            double[] g = logP.grad().toDoubleArray();
            double[] p = Softmax.softmax(x64.detach(), 1).toDoubleArray();
            int n = c.classes;
            assertWithin(x.grad().toDoubleArray(), x64.grad().toDoubleArray(), e -> {
                int i = e / n;
                double max = Double.NEGATIVE_INFINITY;
                double min = Double.POSITIVE_INFINITY;
                double sumAbsG = 0;
                for (int k = 0; k < n; k++) {
                    max = Math.max(max, xv[i * n + k]);
                    min = Math.min(min, xv[i * n + k]);
                    sumAbsG += Math.abs(g[i * n + k]);
                }
                // the float32 NLL gradient itself carries γ_(N+2) (Σw, the division, the product with w)
                double gError = Tolerances.gamma(c.batch + 2, F32_U) * (Math.abs(g[e]) + p[e] * sumAbsG);
                return gError + Tolerances.logSoftmaxGradBound(F32_U, n, max - min, p[e], g[e], sumAbsG)
                        + Tolerances.logSoftmaxGradBound(F64_U, n, max - min, p[e], g[e], sumAbsG);
            }, "cross entropy " + c + ", seed " + seed);
        });
    }

    /** An NLLLoss / CrossEntropyLoss call with random options: weights, reduction, ignored targets, 1-D input. */
    static final class LossCase {
        int batch;
        int classes;
        boolean single;
        long[] targets;
        double[] weights;
        Reduction reduction;
        long ignoreIndex;
        double[] upstream;

        static LossCase random(SplittableRandom r, int option) {
            LossCase c = new LossCase();
            c.single = option == 11;
            c.batch = c.single ? 1 : Samples.size(r, 200);
            c.classes = Samples.size(r, 50);
            c.reduction = Reduction.values()[option % 3];
            c.ignoreIndex = option % 4 == 1 ? r.nextInt(c.classes) : -100;
            c.targets = new long[c.batch];
            for (int i = 0; i < c.batch; i++) c.targets[i] = r.nextInt(c.classes);
            if (c.ignoreIndex == -100 && option % 5 == 2) c.targets[0] = -100; // an ignored target at the default
            if (option % 2 == 0) {
                c.weights = new double[c.classes];
                for (int k = 0; k < c.classes; k++) c.weights[k] = (float) r.nextDouble(0.1, 3);
            }
            c.upstream = c.reduction == Reduction.NONE ? floats(r, c.batch, 1) : new double[] {(float) r.nextDouble(0.5, 2)};
            return c;
        }

        Tensor target(Device device) {
            Tensor t = Tensor.fromLongs(DType.INT64, targets, batch);
            return (single ? t.view() : t).to(device);
        }

        Tensor weight(Device device, boolean float32) {
            return weights == null ? null
                    : Tensor.fromDoubles(float32 ? DType.FLOAT32 : DType.FLOAT64, weights, classes).to(device);
        }

        Tensor input(Tensor x) {
            return single ? x.view(classes) : x;
        }

        Tensor loss(Tensor x, Device device, boolean float32) {
            return Losses.crossEntropy(input(x), target(device), weight(device, float32), reduction, ignoreIndex);
        }

        Tensor nll(Tensor logP, Device device, boolean float32) {
            return Losses.nllLoss(input(logP), target(device), weight(device, float32), reduction, ignoreIndex);
        }

        Tensor upstream(Device device, DType dtype) {
            int[] shape = reduction == Reduction.NONE && !single ? new int[] {batch} : new int[0];
            return Tensor.fromDoubles(dtype, upstream, shape).to(device);
        }

        @Override
        public String toString() {
            return (single ? "1-D input" : "batch " + batch) + ", " + classes + " classes, " + reduction + ", "
                    + (weights == null ? "no weights" : "weights") + ", ignore_index " + ignoreIndex;
        }
    }
}
