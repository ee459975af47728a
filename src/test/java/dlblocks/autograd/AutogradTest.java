package dlblocks.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dlblocks.spec.Spec;
import dlblocks.tensor.BinaryOp;
import dlblocks.tensor.DType;
import dlblocks.tensor.Indexing;
import dlblocks.tensor.LinearAlgebra;
import dlblocks.tensor.Reference;
import dlblocks.tensor.Tensor;
import dlblocks.tensor.UnaryOp;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Reverse-mode differentiation: what backward computes, when it may be called, what it leaves behind.
 *
 * <p>Most properties run in float64 on small integers (or dyadic fractions such as 1/4), where every
 * sum and product involved is exact: the gradients then equal the hand-derived formulas exactly, with no
 * tolerance to argue about. Finite-difference checks of every operation live in GradCheckProperties.
 */
class AutogradTest {
    private static final int EXAMPLES = 200;

    private static Tensor leaf(double[] values, int... shape) {
        return Tensor.fromDoubles(DType.FLOAT64, values, shape).requiresGrad_(true);
    }

    private static Tensor constant(double[] values, int... shape) {
        return Tensor.fromDoubles(DType.FLOAT64, values, shape);
    }

    // ------------------------------------------------------------------ what backward computes

    @Test
    @Spec("AUTOGRAD-REVERSE-MODE-FROM-A-SCALAR")
    void backwardFromAScalarLossGivesEveryLeafItsPartialDerivative() {
        // L = mean((X·w − t)²) over n = 4 rows: ∂L/∂w = (2/n)·Xᵀ(Xw − t), ∂L/∂t = −(2/n)(Xw − t).
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Random random = new Random(seed);
            int n = 4;
            int k = 1 + random.nextInt(4);
            double[] xs = Reference.smallIntegers(random, n * k);
            double[] ws = Reference.smallIntegers(random, k);
            double[] ts = Reference.smallIntegers(random, n);
            Tensor x = constant(xs, n, k);
            Tensor w = leaf(ws, k);
            Tensor t = leaf(ts, n);
            Tensor r = x.matmul(w).sub(t);
            Tensor loss = r.mul(r).mean();
            loss.backward();
            double[] residual = new double[n];
            for (int i = 0; i < n; i++) {
                residual[i] = -ts[i];
                for (int j = 0; j < k; j++) residual[i] += xs[i * k + j] * ws[j];
            }
            double[] gw = new double[k];
            for (int j = 0; j < k; j++) {
                for (int i = 0; i < n; i++) gw[j] += 2.0 / n * residual[i] * xs[i * k + j];
            }
            double[] gt = new double[n];
            for (int i = 0; i < n; i++) gt[i] = -2.0 / n * residual[i];
            assertArrayEquals(gw, w.grad().toDoubleArray(), 0.0, "∂L/∂w, seed " + seed);
            assertArrayEquals(gt, t.grad().toDoubleArray(), 0.0, "∂L/∂t");
            assertNull(x.grad(), "a tensor that does not require grad gets no gradient");
            assertEquals(DType.FLOAT64, w.grad().dtype());
            assertArrayEquals(new int[] {k}, w.grad().shape());
        });
    }

    @Test
    @Spec("AUTOGRAD-REVERSE-MODE-FROM-A-SCALAR")
    void backwardOfALeafItselfGivesOne() {
        Tensor x = Tensor.scalar(3).requiresGrad_(true);
        x.backward();
        assertEquals(1, x.grad().item(), 0.0);
        assertEquals(DType.FLOAT32, x.grad().dtype());
    }

    @Test
    @Spec("AUTOGRAD-REVERSE-MODE-FROM-A-SCALAR")
    void aNonScalarOutputBackpropagatesTheGradientItIsGiven() {
        Tensor x = Tensor.of(1, 2, 3).requiresGrad_(true);
        Tensor y = x.mul(x);
        y.backward(Tensor.of(1, 10, 100));
        assertArrayEquals(new double[] {2, 40, 600}, x.grad().toDoubleArray(), "∂/∂x Σ gᵢxᵢ² = 2gᵢxᵢ");
    }

    @Test
    @Spec("AUTOGRAD-LOCAL-GRADIENTS-MATCH-CALCULUS")
    void broadcastBinaryOperationsSendBackTheirDerivativesSummedOverTheBroadcast() {
        // Exact data: a ∈ [−8, 8], b ∈ {±1, ±2, ±4}, g ∈ [−8, 8], so even −g·a/b² is a short dyadic fraction.
        String[] names = {"add", "sub", "mul", "div", "maximum", "add(alpha=3)"};
        qt().withExamples(EXAMPLES).forAll(integers().between(0, names.length - 1), longs().all())
                .checkAssert((op, seed) -> {
                    Random random = new Random(seed);
                    int[] full = Reference.randomShape(random, random.nextInt(4), 3);
                    int[] sa = Reference.randomBroadcastable(random, full);
                    int[] sb = Reference.randomBroadcastable(random, full);
                    double[] as = Reference.smallIntegers(random, Reference.numel(sa));
                    double[] bs = new double[Reference.numel(sb)];
                    for (int i = 0; i < bs.length; i++) {
                        bs[i] = (random.nextBoolean() ? 1 : -1) << random.nextInt(3);
                    }
                    Tensor a = leaf(as, sa);
                    Tensor b = leaf(bs, sb);
                    Tensor out = op == 0 ? a.add(b) : op == 1 ? a.sub(b) : op == 2 ? a.mul(b) : op == 3 ? a.div(b)
                            : op == 4 ? a.maximum(b) : a.add(b, 3);
                    int[] shape = Reference.broadcastShape(sa, sb);
                    double[] gs = Reference.smallIntegers(random, Reference.numel(shape));
                    out.backward(constant(gs, shape));
                    double[] ga = new double[as.length];
                    double[] gb = new double[bs.length];
                    for (int i = 0; i < gs.length; i++) {
                        int[] index = Reference.unravel(i, shape);
                        int ia = Reference.broadcastSource(index, sa);
                        int ib = Reference.broadcastSource(index, sb);
                        double x = as[ia];
                        double y = bs[ib];
                        double g = gs[i];
                        switch (op) {
                            case 0: ga[ia] += g; gb[ib] += g; break;
                            case 1: ga[ia] += g; gb[ib] -= g; break;
                            case 2: ga[ia] += g * y; gb[ib] += g * x; break;
                            case 3: ga[ia] += g / y; gb[ib] -= g * x / (y * y); break;
                            case 4:
                                ga[ia] += x > y ? g : x == y ? g / 2 : 0;
                                gb[ib] += y > x ? g : x == y ? g / 2 : 0;
                                break;
                            default: ga[ia] += g; gb[ib] += 3 * g; break;
                        }
                    }
                    String what = names[op] + " of " + Arrays.toString(sa) + " and " + Arrays.toString(sb);
                    assertArrayEquals(sa, a.grad().shape(), what);
                    assertArrayEquals(sb, b.grad().shape(), what);
                    assertArrayEquals(ga, a.grad().toDoubleArray(), 0.0, "∂/∂a of " + what);
                    assertArrayEquals(gb, b.grad().toDoubleArray(), 0.0, "∂/∂b of " + what);
                });
    }

    @Test
    @Spec("AUTOGRAD-LOCAL-GRADIENTS-MATCH-CALCULUS")
    void elementwiseFunctionsSendBackTheirDerivatives() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Random random = new Random(seed);
            int n = 1 + random.nextInt(6);
            double[] xs = new double[n];
            for (int i = 0; i < n; i++) {
                xs[i] = 1 + random.nextInt(9); // positive, for log and sqrt
            }
            double[] gs = Reference.smallIntegers(random, n);
            Object[][] cases = {
                {"exp", (UnaryOperator<Tensor>) Tensor::exp, (Derivative) (x, g) -> g * StrictMath.exp(x)},
                {"log", (UnaryOperator<Tensor>) Tensor::log, (Derivative) (x, g) -> g / x},
                {"sqrt", (UnaryOperator<Tensor>) Tensor::sqrt, (Derivative) (x, g) -> g / (2 * Math.sqrt(x))},
                {"pow(3)", (UnaryOperator<Tensor>) t -> t.pow(3), (Derivative) (x, g) -> g * x * x * 3},
                {"pow(1)", (UnaryOperator<Tensor>) t -> t.pow(1), (Derivative) (x, g) -> g},
                {"pow(0)", (UnaryOperator<Tensor>) t -> t.pow(0), (Derivative) (x, g) -> 0},
                {"neg", (UnaryOperator<Tensor>) Tensor::neg, (Derivative) (x, g) -> -g},
                {"add(2.5)", (UnaryOperator<Tensor>) t -> t.add(2.5), (Derivative) (x, g) -> g},
                {"sub(2.5)", (UnaryOperator<Tensor>) t -> t.sub(2.5), (Derivative) (x, g) -> g},
                {"mul(2.5)", (UnaryOperator<Tensor>) t -> t.mul(2.5), (Derivative) (x, g) -> g * 2.5},
                {"div(4)", (UnaryOperator<Tensor>) t -> t.div(4), (Derivative) (x, g) -> g / 4},
                {"div(3)", (UnaryOperator<Tensor>) t -> t.div(3), (Derivative) (x, g) -> g / 3},
            };
            for (Object[] c : cases) {
                Tensor x = leaf(xs, n);
                @SuppressWarnings("unchecked")
                Tensor y = ((UnaryOperator<Tensor>) c[1]).apply(x);
                y.backward(constant(gs, n));
                double[] expected = new double[n];
                for (int i = 0; i < n; i++) {
                    expected[i] = ((Derivative) c[2]).times(xs[i], gs[i]);
                }
                assertArrayEquals(expected, x.grad().toDoubleArray(), 0.0, c[0] + " at " + Arrays.toString(xs));
            }
        });
    }

    /** g·f′(x). */
    @FunctionalInterface
    private interface Derivative {
        double times(double x, double g);
    }

    @Test
    @Spec("AUTOGRAD-LOCAL-GRADIENTS-MATCH-CALCULUS")
    void meanAndAmaxShareTheGradientAsTheirDefinitionsSay() {
        Tensor x = Tensor.of(new double[][] {{1, 5, 5}, {7, 0, 2}}).requiresGrad_(true);
        x.mean().backward();
        float sixth = 1f / 6;
        assertArrayEquals(new float[] {sixth, sixth, sixth, sixth, sixth, sixth}, x.grad().toFloatArray());
        x.setGrad(null);
        x.mean(1, false).backward(Tensor.of(3, 6));
        assertArrayEquals(new double[] {1, 1, 1, 2, 2, 2}, x.grad().toDoubleArray());
        x.setGrad(null);
        x.mean(0, true).backward(Tensor.of(new double[][] {{2, 4, 6}}));
        assertArrayEquals(new double[] {1, 2, 3, 1, 2, 3}, x.grad().toDoubleArray());
        x.setGrad(null);
        // PyTorch 1.13: tensor([[1., 5., 5.]]).amax(1).sum().backward() gives [[0, 0.5, 0.5]].
        x.amax(1, false).backward(Tensor.of(1, 4));
        assertArrayEquals(new double[] {0, 0.5, 0.5, 4, 0, 0}, x.grad().toDoubleArray());
        x.setGrad(null);
        x.amax(0, true).backward(Tensor.of(new double[][] {{1, 2, 3}}));
        assertArrayEquals(new double[] {0, 2, 3, 1, 0, 0}, x.grad().toDoubleArray());
        Tensor s = Tensor.scalar(4).requiresGrad_(true);
        s.amax(0, false).backward();
        s.mean(0, false).backward();
        s.sum(0).backward();
        assertEquals(3, s.grad().item(), 0.0, "a 0-d tensor is its own max, mean and sum");
    }

    @Test
    @Spec("AUTOGRAD-LINEAR-OPS-BACKPROPAGATE-THEIR-TRANSPOSE")
    void linearOperationsSendBackTheirTransposeApplied() {
        // For linear f, ∂⟨f(x), g⟩/∂xᵢ = ⟨f(eᵢ), g⟩: column i of the Jacobian, read from the forward pass.
        String[] names = {"view", "transpose", "select", "expand", "unsqueeze", "sum", "sum(dim)", "gather",
            "matmul(x, B)", "matmul(A, x)", "mm(xᵀ, B) read transposed", "to(float32)", "mul(c)", "squeeze", "t"};
        qt().withExamples(EXAMPLES).forAll(integers().between(0, names.length - 1), longs().all())
                .checkAssert((op, seed) -> {
                    Random random = new Random(seed);
                    int rank = op >= 8 && op <= 10 || op == 14 ? 2 : 1 + random.nextInt(3);
                    int[] shape = Reference.randomShape(random, rank, 3);
                    UnaryOperator<Tensor> f = linearOp(op, shape, random);
                    double[] xs = Reference.smallIntegers(random, Reference.numel(shape));
                    Tensor x = leaf(xs, shape);
                    Tensor y = f.apply(x);
                    double[] gs = Reference.smallIntegers(random, y.numel());
                    y.backward(Tensor.fromDoubles(y.dtype(), gs, y.shape()));
                    double[] expected = new double[xs.length];
                    try (NoGrad scope = new NoGrad()) {
                        for (int i = 0; i < xs.length; i++) {
                            double[] unit = new double[xs.length];
                            unit[i] = 1;
                            expected[i] = Reference.dot(f.apply(constant(unit, shape)).toDoubleArray(), gs);
                        }
                    }
                    String what = names[op] + " of " + Arrays.toString(shape) + " (seed " + seed + ")";
                    assertArrayEquals(shape, x.grad().shape(), what);
                    assertArrayEquals(expected, x.grad().toDoubleArray(), 0.0, what);
                });
    }

    /** Linear operation number {@code op} on tensors of {@code shape}, its constants drawn from random. */
    private static UnaryOperator<Tensor> linearOp(int op, int[] shape, Random random) {
        int rank = shape.length;
        int dim = random.nextInt(rank);
        switch (op) {
            case 0: return t -> t.view(-1).view(1, -1);
            case 1: {
                int other = random.nextInt(rank);
                return t -> t.transpose(dim, other);
            }
            case 2: {
                int index = random.nextInt(shape[dim]);
                return t -> t.select(dim, index);
            }
            case 3: {
                int[] bigger = new int[rank + 1];
                bigger[0] = 2;
                for (int d = 0; d < rank; d++) bigger[d + 1] = shape[d] == 1 ? 3 : shape[d];
                return t -> t.expand(bigger);
            }
            case 4: return t -> t.unsqueeze(dim);
            case 5: return Tensor::sum;
            case 6: {
                boolean keepdim = random.nextBoolean();
                return t -> t.sum(dim, keepdim);
            }
            case 7: {
                int[] indexShape = shape.clone();
                indexShape[dim] = 1 + random.nextInt(4);
                long[] idx = new long[Reference.numel(indexShape)];
                for (int i = 0; i < idx.length; i++) idx[i] = random.nextInt(shape[dim]);
                Tensor index = Tensor.fromLongs(DType.INT64, idx, indexShape);
                return t -> t.gather(dim, index);
            }
            case 8: {
                Tensor b = constant(Reference.smallIntegers(random, shape[1] * 2), shape[1], 2);
                return t -> t.matmul(b);
            }
            case 9: {
                Tensor a = constant(Reference.smallIntegers(random, 3 * shape[0]), 3, shape[0]);
                return a::matmul;
            }
            case 10: {
                Tensor b = constant(Reference.smallIntegers(random, shape[0] * 2), 2, shape[0]);
                return t -> LinearAlgebra.mm(t, true, b, true);
            }
            case 11: return t -> t.to(DType.FLOAT32);
            case 12: {
                Tensor c = constant(Reference.smallIntegers(random, shape[rank - 1]), shape[rank - 1]);
                return t -> t.mul(c);
            }
            case 13: return t -> t.unsqueeze(dim).squeeze(dim);
            default: return Tensor::t;
        }
    }

    @Test
    @Spec("AUTOGRAD-LOCAL-GRADIENTS-MATCH-CALCULUS")
    void mmSendsBackGBTransposedAndATransposedGWhicheverOperandIsReadTransposed() {
        // C = op(A)·op(B): ∂L/∂op(A) = G·op(B)ᵀ and ∂L/∂op(B) = op(A)ᵀ·G, stored transposed where read so.
        qt().withExamples(EXAMPLES).forAll(integers().between(0, 15), longs().all()).checkAssert((kind, seed) -> {
            Random random = new Random(seed);
            boolean transA = (kind & 1) != 0;
            boolean transB = (kind & 2) != 0;
            boolean aNeedsGrad = (kind & 4) == 0;
            boolean bNeedsGrad = (kind & 8) == 0 || !aNeedsGrad;
            int m = 1 + random.nextInt(4);
            int k = 1 + random.nextInt(4);
            int n = 1 + random.nextInt(4);
            double[] a = Reference.smallIntegers(random, m * k); // op(A), m×k
            double[] b = Reference.smallIntegers(random, k * n); // op(B), k×n
            double[] g = Reference.smallIntegers(random, m * n);
            Tensor sa = transA ? constant(transposed(a, m, k), k, m) : constant(a, m, k);
            Tensor sb = transB ? constant(transposed(b, k, n), n, k) : constant(b, k, n);
            sa.requiresGrad_(aNeedsGrad);
            sb.requiresGrad_(bNeedsGrad);
            LinearAlgebra.mm(sa, transA, sb, transB).backward(constant(g, m, n));
            double[] ga = new double[m * k];
            double[] gb = new double[k * n];
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) {
                    for (int j = 0; j < n; j++) {
                        ga[i * k + p] += g[i * n + j] * b[p * n + j];
                        gb[p * n + j] += a[i * k + p] * g[i * n + j];
                    }
                }
            }
            String what = "transA=" + transA + ", transB=" + transB + ", " + m + "x" + k + "x" + n;
            if (aNeedsGrad) {
                assertArrayEquals(transA ? transposed(ga, m, k) : ga, sa.grad().toDoubleArray(), 0.0, what);
            } else {
                assertNull(sa.grad(), what);
            }
            if (bNeedsGrad) {
                assertArrayEquals(transB ? transposed(gb, k, n) : gb, sb.grad().toDoubleArray(), 0.0, what);
            } else {
                assertNull(sb.grad(), what);
            }
        });
    }

    /** Xᵀ of a row-major r×c matrix. */
    private static double[] transposed(double[] x, int r, int c) {
        double[] t = new double[x.length];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                t[j * r + i] = x[i * c + j];
            }
        }
        return t;
    }

    @Test
    @Spec("AUTOGRAD-LOCAL-GRADIENTS-MATCH-CALCULUS")
    void theGradientOfAConversionComesBackInTheOriginalDtype() {
        Tensor x = Tensor.of(1, 2).requiresGrad_(true);
        x.to(DType.FLOAT64).mul(Tensor.fromDoubles(DType.FLOAT64, new double[] {0.1, 3}, 2)).sum().backward();
        assertEquals(DType.FLOAT32, x.grad().dtype());
        assertArrayEquals(new float[] {0.1f, 3}, x.grad().toFloatArray());
        // No gradient flows through an integer tensor: as in PyTorch 1.13, the round trip is cut off.
        Tensor y = Tensor.of(1, 2).requiresGrad_(true);
        Tensor roundTrip = y.to(DType.INT64).to(DType.FLOAT32).sum();
        IllegalStateException e = assertThrows(IllegalStateException.class, roundTrip::backward);
        assertEquals("element 0 of tensors does not require grad and does not have a grad_fn", e.getMessage());
        assertNull(y.grad());
    }

    // ------------------------------------------------------------------ accumulation and graph lifetime

    @Test
    @Spec("AUTOGRAD-GRADIENTS-ACCUMULATE")
    void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        // "Remember that PyTorch accumulates gradients. We need to clear them out before each instance."
        Tensor w = Tensor.of(1, 2).requiresGrad_(true);
        Tensor x = Tensor.of(3, 5);
        w.mul(x).sum().backward();
        assertArrayEquals(new double[] {3, 5}, w.grad().toDoubleArray());
        Tensor first = w.grad();
        w.mul(x).sum().backward();
        assertArrayEquals(new double[] {6, 10}, w.grad().toDoubleArray(), "the second backward adds");
        assertSame(first, w.grad(), "into the same gradient tensor");
        w.mul(x).mul(x).sum().backward();
        assertArrayEquals(new double[] {15, 35}, w.grad().toDoubleArray());
        w.setGrad(null);
        w.mul(x).sum().backward();
        assertArrayEquals(new double[] {3, 5}, w.grad().toDoubleArray(), "after zeroing, it starts afresh");
        w.grad().zero_();
        w.mul(x).sum().backward();
        assertArrayEquals(new double[] {3, 5}, w.grad().toDoubleArray());
    }

    @Test
    @Spec("AUTOGRAD-GRADIENTS-ACCUMULATE")
    void theFirstGradientIsACopyOfWhatFlowedBack() {
        Tensor x = Tensor.of(1, 2).requiresGrad_(true);
        Tensor g = Tensor.of(7, 8);
        x.backward(g);
        assertNotSame(g, x.grad());
        assertNotSame(g.storage(), x.grad().storage());
        g.fill_(0);
        assertArrayEquals(new double[] {7, 8}, x.grad().toDoubleArray());
        assertFalse(x.grad().requiresGrad());
    }

    @Test
    @Spec("AUTOGRAD-GRADIENTS-ACCUMULATE")
    void accumulatingNeverWritesIntoATensorABackwardFormulaReturned() {
        // A custom backward that hands back a tensor it holds (here a constant slope c): accumulating
        // into x.grad must not write into c.
        Tensor x = Tensor.of(1, 2).requiresGrad_(true);
        Tensor c = Tensor.of(3, 4);
        for (int pass = 1; pass <= 2; pass++) {
            Function.apply("ConstantSlope", () -> x.detach().mul(c), g -> new Tensor[] {c}, x).sum().backward();
            assertArrayEquals(new double[] {3 * pass, 4 * pass}, x.grad().toDoubleArray(), "pass " + pass);
        }
        assertArrayEquals(new double[] {3, 4}, c.toDoubleArray(), "the formula's own tensor is untouched");
        assertNotSame(c.storage(), x.grad().storage());
        // The same for a view of the incoming gradient, which the caller holds.
        Tensor y = Tensor.of(1, 2).requiresGrad_(true);
        Tensor g = Tensor.of(5, 6);
        Function.apply("Identity", () -> y.detach().clone(), gy -> new Tensor[] {gy.view(2)}, y).backward(g);
        y.grad().add_(Tensor.of(1, 1));
        assertArrayEquals(new double[] {5, 6}, g.toDoubleArray());
    }

    @Test
    @Spec("AUTOGRAD-GRADIENTS-ACCUMULATE")
    void aGradientTheFormulaHasJustComputedBecomesTheLeafsGradientUncopied() {
        // As PyTorch's AccumulateGrad takes a gradient no one else refers to: no copy (on a GPU, no second
        // 64 MB buffer and copy for a 4096×4096 weight). The test keeps a reference only to observe this.
        Tensor x = Tensor.of(1, 2).requiresGrad_(true);
        Tensor[] made = new Tensor[1];
        Function.apply("Double", () -> x.detach().mul(2), g -> new Tensor[] {made[0] = g.mul(2)}, x).sum().backward();
        assertSame(made[0].storage(), x.grad().storage());
        assertArrayEquals(new double[] {2, 2}, x.grad().toDoubleArray());
        // Handed to two leaves, one new result is taken by the first only; the second gets a copy.
        Tensor a = Tensor.of(1, 2).requiresGrad_(true);
        Tensor b = Tensor.of(3, 4).requiresGrad_(true);
        Function.apply("Twice", () -> a.detach().add(b.detach()), g -> {
            Tensor shared = g.mul(1);
            return new Tensor[] {shared, shared.view(2)};
        }, a, b).sum().backward();
        assertNotSame(a.grad().storage(), b.grad().storage());
        a.grad().add_(Tensor.of(10, 10));
        assertArrayEquals(new double[] {1, 1}, b.grad().toDoubleArray(), "b's gradient is its own");
    }

    @Test
    @Spec("AUTOGRAD-GRADIENTS-ACCUMULATE")
    void twoLeavesGivenOneSummedGradientDoNotShareIt() {
        // y's gradient is a sum of its two uses, and AddBackward0 hands that same tensor to a and to b.
        Tensor a = Tensor.of(1, 2).requiresGrad_(true);
        Tensor b = Tensor.of(3, 4).requiresGrad_(true);
        Tensor y = a.add(b);
        y.sum().add(y.sum()).backward();
        assertNotSame(a.grad().storage(), b.grad().storage());
        a.mul(3).sum().backward();
        assertArrayEquals(new double[] {5, 5}, a.grad().toDoubleArray());
        assertArrayEquals(new double[] {2, 2}, b.grad().toDoubleArray(), "b's gradient is its own");
    }

    @Test
    @Spec("AUTOGRAD-GRADIENTS-ACCUMULATE")
    void leavesThatReceivedTheSameGradientAccumulateIndependently() {
        // a + b sends the same upstream gradient to both inputs, and a view passes it on unchanged.
        Tensor x = Tensor.of(1, 2).requiresGrad_(true);
        Tensor w = Tensor.of(3, 4).requiresGrad_(true);
        Tensor v = Tensor.of(5, 6).requiresGrad_(true);
        x.add(w).add(v.view(1, 2).view(2)).sum().backward();
        x.mul(3).sum().backward();
        v.mul(5).sum().backward();
        assertArrayEquals(new double[] {4, 4}, x.grad().toDoubleArray());
        assertArrayEquals(new double[] {1, 1}, w.grad().toDoubleArray(), "w's gradient is its own");
        assertArrayEquals(new double[] {6, 6}, v.grad().toDoubleArray());
        Tensor g = Tensor.of(7, 7);
        Tensor y = Tensor.of(0, 0).requiresGrad_(true);
        y.view(2).backward(g, true);
        y.view(2).backward(g);
        assertArrayEquals(new double[] {7, 7}, g.toDoubleArray(), "the caller's gradient is never accumulated into");
        assertArrayEquals(new double[] {14, 14}, y.grad().toDoubleArray());
    }

    @Test
    @Spec("AUTOGRAD-GRADIENTS-ACCUMULATE")
    void setGradReplacesOrClearsTheGradient() {
        Tensor x = Tensor.of(1, 2).requiresGrad_(true);
        x.setGrad(Tensor.of(4, 4));
        x.mul(3).sum().backward();
        assertArrayEquals(new double[] {7, 7}, x.grad().toDoubleArray());
        x.setGrad(null);
        assertNull(x.grad());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.setGrad(Tensor.zeros(3)));
        assertEquals("assigned grad has data of a different size: [3] for a tensor of shape [2]", e.getMessage());
    }

    @Test
    @Spec("AUTOGRAD-RETAIN-GRAPH")
    void retainGraphKeepsTheGraphForAnotherBackward() {
        Tensor x = Tensor.of(1, 2).requiresGrad_(true);
        Tensor loss = x.mul(x).sum();
        loss.backward(null, true);
        loss.backward(null, true);
        assertArrayEquals(new double[] {4, 8}, x.grad().toDoubleArray(), "two passes, two gradients 2x");
        loss.backward(null, false);
        assertArrayEquals(new double[] {6, 12}, x.grad().toDoubleArray());
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().startsWith("Trying to backward through the graph a second time"), e.getMessage());
    }

    @Test
    @Spec("AUTOGRAD-GRAPH-FREED-AFTER-BACKWARD")
    void aSecondBackwardWithoutRetainGraphIsRefusedWithPyTorchsMessage() {
        Tensor x = Tensor.of(1, 2).requiresGrad_(true);
        Tensor loss = x.mul(x).sum();
        loss.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        // PyTorch 1.13's message, word for word.
        assertEquals("Trying to backward through the graph a second time (or directly access saved tensors after "
                + "they have already been freed). Saved intermediate values of the graph are freed when you call "
                + ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
                + "graph a second time or if you need to access saved tensors after calling backward.",
                e.getMessage());
        assertArrayEquals(new double[] {2, 4}, x.grad().toDoubleArray(), "the refused pass added nothing");
        x.mul(x).sum().backward();
        assertArrayEquals(new double[] {4, 8}, x.grad().toDoubleArray(), "a new forward pass builds a new graph");
    }

    // ------------------------------------------------------------------ no_grad

    @Test
    @Spec("AUTOGRAD-NO-GRAD-RECORDS-NOTHING")
    void underNoGradOperationsRecordNothing() {
        Tensor w = Tensor.of(1, 2).requiresGrad_(true);
        Tensor y;
        try (NoGrad scope = new NoGrad()) {
            assertFalse(GradMode.isEnabled());
            y = w.mul(2).add(1).sum();
            assertNull(y.gradFn());
            assertFalse(y.requiresGrad());
            assertTrue(y.isLeaf());
        }
        assertTrue(GradMode.isEnabled(), "closing the scope restores grad mode");
        assertEquals(8, y.item(), 0.0, "the values are computed as usual: (2 + 1) + (4 + 1)");
        assertThrows(IllegalStateException.class, y::backward);
        assertNotNull(w.mul(2).gradFn(), "outside the scope, recording resumes");
    }

    @Test
    @Spec("AUTOGRAD-NO-GRAD-RESTORES-MODE")
    void noGradScopesNestAndEachRestoresTheModeItFound() {
        assertTrue(GradMode.isEnabled());
        try (NoGrad outer = new NoGrad()) {
            try (NoGrad inner = new NoGrad()) {
                assertFalse(GradMode.isEnabled());
            }
            assertFalse(GradMode.isEnabled(), "closing the inner scope keeps the outer one's mode");
        }
        assertTrue(GradMode.isEnabled());
        boolean previous = GradMode.set(false);
        assertTrue(previous);
        try (NoGrad scope = new NoGrad()) {
            assertFalse(GradMode.isEnabled());
        }
        assertFalse(GradMode.isEnabled(), "a scope opened with grad off leaves it off");
        GradMode.set(true);
    }

    @Test
    @Spec("AUTOGRAD-NO-GRAD-RESTORES-MODE")
    void anExceptionInsideTheScopeStillRestoresTheMode() {
        assertThrows(ArithmeticException.class, () -> {
            try (NoGrad scope = new NoGrad()) {
                throw new ArithmeticException("inside");
            }
        });
        assertTrue(GradMode.isEnabled());
        Tensor x = Tensor.of(1).requiresGrad_(true);
        assertThrows(IllegalArgumentException.class, () -> Function.apply("Fails", () -> {
            throw new IllegalArgumentException("forward failed");
        }, g -> new Tensor[] {g}, x));
        assertTrue(GradMode.isEnabled(), "a failing forward inside Function.apply restores grad mode");
    }

    @Test
    @Spec("AUTOGRAD-NO-GRAD-RESTORES-MODE")
    void gradModeBelongsToEachThread() throws InterruptedException {
        AtomicReference<Boolean> seenByOtherThread = new AtomicReference<>();
        AtomicReference<Throwable> closeFromOtherThread = new AtomicReference<>();
        try (NoGrad scope = new NoGrad()) {
            Thread other = new Thread(() -> {
                seenByOtherThread.set(GradMode.isEnabled());
                try {
                    scope.close();
                } catch (Throwable t) {
                    closeFromOtherThread.set(t);
                }
            });
            other.start();
            other.join();
        }
        assertTrue(seenByOtherThread.get(), "another thread keeps its own mode");
        assertTrue(closeFromOtherThread.get() instanceof IllegalStateException);
        assertEquals("a NoGrad scope must be closed on the thread that opened it",
                closeFromOtherThread.get().getMessage());
    }

    // ------------------------------------------------------------------ when backward is refused

    @Test
    @Spec("AUTOGRAD-IMPLICIT-GRADIENT-ONLY-FOR-SCALARS")
    void backwardWithoutAGradientNeedsAOneElementOutput() {
        Tensor y = Tensor.of(1, 2).requiresGrad_(true).mul(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertEquals("grad can be implicitly created only for scalar outputs (output has shape [2])", e.getMessage());
        Tensor x = Tensor.of(new double[][] {{3}}).requiresGrad_(true);
        x.mul(2).backward();
        assertEquals(2, x.grad().item(), 0.0, "any one-element output will do");
    }

    @Test
    @Spec("AUTOGRAD-BACKWARD-NEEDS-A-GRAPH")
    void backwardOfATensorThatDoesNotRequireGradIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Tensor.of(1, 2).sum().backward());
        assertEquals("element 0 of tensors does not require grad and does not have a grad_fn", e.getMessage());
    }

    @Test
    @Spec("AUTOGRAD-GRADIENT-SHAPE-MUST-MATCH")
    void theGivenGradientMustHaveTheOutputsShape() {
        Tensor y = Tensor.of(1, 2).requiresGrad_(true).mul(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.ones(3)));
        // PyTorch 1.13, word for word.
        assertEquals("Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) and output[0] has a shape "
                + "of torch.Size([2]).", e.getMessage());
    }

    // ------------------------------------------------------------------ graph structure

    @Test
    @Spec("AUTOGRAD-DETACH-CUTS-THE-GRAPH")
    void detachSharesTheDataButCutsTheGraph() {
        Tensor x = Tensor.of(2, 3).requiresGrad_(true);
        Tensor d = x.detach();
        assertFalse(d.requiresGrad());
        assertNull(d.gradFn());
        assertSame(x.storage(), d.storage());
        assertSame(x.storage(), x.data().storage());
        x.mul(x.detach()).sum().backward();
        assertArrayEquals(new double[] {2, 3}, x.grad().toDoubleArray(), "∂/∂x Σ x·c = c; the detached factor is c");
        Tensor y = x.mul(3);
        assertNull(y.detach().gradFn());
        assertFalse(y.detach().mul(2).requiresGrad());
    }

    @Test
    @Spec("AUTOGRAD-USES-ARE-SUMMED")
    void aTensorUsedTwiceReceivesTheSumOfBothGradients() {
        // Diamond: x → a = 3x, b = x² → L = Σ(a + b); ∂L/∂x = 3 + 2x.
        Tensor x = Tensor.of(1, 2, 5).requiresGrad_(true);
        Tensor a = x.mul(3);
        Tensor b = x.mul(x);
        a.add(b).sum().backward();
        assertArrayEquals(new double[] {5, 7, 13}, x.grad().toDoubleArray());
        // A shared intermediate: h = x + 1 used by three later operations; L = Σ(h·h + h) → 2h + 1.
        Tensor y = Tensor.of(1, 2).requiresGrad_(true);
        Tensor h = y.add(1);
        h.mul(h).add(h).sum().backward();
        assertArrayEquals(new double[] {5, 7}, y.grad().toDoubleArray());
    }

    @Test
    @Spec("AUTOGRAD-DEEP-CHAINS-DO-NOT-OVERFLOW")
    void aChainOfAHundredThousandAdditionsBackpropagatesOnASmallStack() throws InterruptedException {
        // Run on a thread with a 256 KiB stack: a recursive walk of 100,000 nodes would overflow it.
        AtomicReference<Object> result = new AtomicReference<>();
        Thread worker = new Thread(null, () -> {
            try {
                Tensor x = Tensor.of(1).requiresGrad_(true);
                Tensor y = x;
                for (int i = 0; i < 100_000; i++) {
                    y = y.add(x);
                }
                y.sum().backward();
                result.set(x.grad().item());
            } catch (Throwable t) {
                result.set(t);
            }
        }, "deep-chain", 256 * 1024);
        worker.start();
        worker.join();
        assertEquals(100_001.0, result.get(), "x appears 100,001 times (exact in float32)");
    }

    @Test
    @Spec("AUTOGRAD-LEAVES")
    void leavesAreTheTensorsTheUserMade() {
        Tensor x = Tensor.of(1, 2);
        assertTrue(x.isLeaf());
        assertTrue(x.requiresGrad_(true).isLeaf());
        Tensor y = x.mul(2);
        assertFalse(y.isLeaf());
        assertTrue(y.requiresGrad());
        assertEquals("MulBackward0", y.gradFn().name());
        assertTrue(Tensor.of(1).mul(2).isLeaf(), "a result that needs no gradient is a leaf, as in PyTorch");
        assertTrue(x.requiresGrad_(false).isLeaf());
        assertFalse(x.requiresGrad());
        assertFalse(x.mul(2).requiresGrad(), "nothing requires grad any more");
    }

    @Test
    @Spec("AUTOGRAD-LEAVES")
    void onlyFloatingLeavesCanRequireGrad() {
        Tensor y = Tensor.of(1, 2).requiresGrad_(true).mul(2);
        IllegalStateException nonLeaf = assertThrows(IllegalStateException.class, () -> y.requiresGrad_(false));
        assertEquals("you can only change requires_grad flags of leaf variables.", nonLeaf.getMessage());
        IllegalStateException ints = assertThrows(IllegalStateException.class,
                () -> Tensor.longs(1, 2).requiresGrad_(true));
        assertEquals("only Tensors of floating point dtype can require gradients (this one is int64)",
                ints.getMessage());
        Tensor.longs(1).requiresGrad_(false); // asking for no gradient is always fine
        assertTrue(Tensor.zeros(DType.FLOAT64, 1).requiresGrad_(true).requiresGrad());
    }

    @Test
    @Spec("AUTOGRAD-LEAVES")
    void integerAndBoolResultsNeverRequireGrad() {
        // PyTorch 1.13: x = tensor([1.5, -2.], requires_grad=True); x.to(int64).requires_grad = False,
        // x.to(bool).requires_grad = False, x.sum().to(int64).grad_fn = None.
        Tensor x = Tensor.of(1.5, -2).requiresGrad_(true);
        for (DType integral : new DType[] {DType.INT64, DType.INT32, DType.BOOL}) {
            Tensor t = x.to(integral);
            assertFalse(t.requiresGrad(), integral + " does not require grad");
            assertNull(t.gradFn(), integral + " has no grad_fn");
        }
        assertFalse(x.mul(3).sum().to(DType.INT64).requiresGrad());
        assertTrue(x.to(DType.FLOAT64).requiresGrad(), "a floating conversion stays in the graph");
    }

    @Test
    @Spec("AUTOGRAD-RAW-KERNELS-REFUSE-TRACKED-TENSORS")
    void theRawMapKernelRefusesATensorThatRequiresGradWhileRecording() {
        Tensor x = Tensor.of(1, 4).requiresGrad_(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> x.map(UnaryOp.SQRT));
        assertEquals("map(SQRT) is a raw kernel and records no gradient; this tensor requires grad, so use the "
                + "differentiable operation or call it under NoGrad", e.getMessage());
        try (NoGrad scope = new NoGrad()) {
            assertArrayEquals(new double[] {1, 2}, x.map(UnaryOp.SQRT).toDoubleArray());
        }
        assertArrayEquals(new double[] {3, 6}, Tensor.of(1, 4).map(UnaryOp.ADD_SCALAR, 2).toDoubleArray());
        assertArrayEquals(new double[] {1, 0}, Tensor.of(1, -4).map(UnaryOp.STEP).toDoubleArray());
    }

    @Test
    @Spec("AUTOGRAD-RAW-KERNELS-REFUSE-TRACKED-TENSORS")
    void theRawZipKernelRefusesATrackedTensorAndTwoDtypes() {
        Tensor x = Tensor.of(1, -4).requiresGrad_(true);
        IllegalStateException tracked = assertThrows(IllegalStateException.class,
                () -> x.zip(BinaryOp.THRESHOLD_BACKWARD, Tensor.of(1, 1), 0));
        assertTrue(tracked.getMessage().startsWith("zip(THRESHOLD_BACKWARD) is a raw kernel"), tracked.getMessage());
        IllegalArgumentException dtypes = assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(1, 2).zip(BinaryOp.MUL, Tensor.longs(1, 2), 0));
        assertEquals("zip(MUL) needs one dtype, got float32 and int64", dtypes.getMessage());
        // g where the second operand is above the threshold s, +0 elsewhere; broadcast like any zip
        assertArrayEquals(new double[] {5, 0, 0}, Tensor.of(5, -6, 7).zip(BinaryOp.THRESHOLD_BACKWARD,
                Tensor.of(1, 0, 0.5), 0.5).toDoubleArray());
    }

    @Test
    @Spec("AUTOGRAD-FUNCTION-RECORDS-A-NODE")
    void functionApplyRecordsANamedNodeWithItsInputs() {
        Tensor x = Tensor.of(1, 2).requiresGrad_(true);
        Tensor c = Tensor.of(10, 20);
        Tensor y = Function.apply("TwiceBackward0",
                () -> x.detach().mul(2).add(c),
                g -> new Tensor[] {g.mul(2), null, null},
                x, c, null);
        Node node = y.gradFn();
        assertEquals("TwiceBackward0", node.name());
        assertEquals("<TwiceBackward0>", node.toString());
        assertEquals(Arrays.asList(x, c, null), node.inputs());
        assertThrows(UnsupportedOperationException.class, () -> node.inputs().set(0, c));
        y.sum().backward();
        assertArrayEquals(new double[] {2, 2}, x.grad().toDoubleArray());
        assertNull(c.grad());
        Tensor w = Function.apply("NullFirst", () -> x.detach().mul(3), g -> new Tensor[] {null, g.mul(3)}, null, x);
        assertEquals("NullFirst", w.gradFn().name(), "a null input is skipped when looking for one that needs grad");
        Tensor z = Function.apply("NoInputNeedsGrad", () -> c.mul(2), g -> new Tensor[] {g}, c);
        assertNull(z.gradFn(), "no input requires grad: nothing is recorded");
        assertFalse(z.requiresGrad());
    }

    @Test
    @Spec("AUTOGRAD-FUNCTION-RECORDS-A-NODE")
    void aTensorJoinsTheGraphOnce() {
        Tensor y = Tensor.of(1).requiresGrad_(true).mul(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.attachGradFn(y.gradFn()));
        assertEquals("tensor already belongs to the graph", e.getMessage());
        Tensor leaf = Tensor.of(1).requiresGrad_(true);
        assertThrows(IllegalStateException.class, () -> leaf.attachGradFn(y.gradFn()));
    }

    @Test
    @Spec("AUTOGRAD-LOCAL-GRADIENTS-MATCH-CALCULUS")
    void selectAndScatterAddWorkOnZeroDimensionalAndSingleRowTensors() {
        Tensor v = Tensor.of(4, 5, 6).requiresGrad_(true);
        v.select(0, -1).backward();
        assertArrayEquals(new double[] {0, 0, 1}, v.grad().toDoubleArray());
        Tensor s = Tensor.scalar(2).requiresGrad_(true);
        Tensor picked = s.gather(0, Tensor.fromLongs(DType.INT64, new long[] {0}));
        picked.backward();
        assertEquals(1, s.grad().item(), 0.0);
        Tensor scattered = Indexing.scatterAdd(new int[] {3}, 0, Tensor.longs(2, 2), Tensor.of(1, 5));
        assertArrayEquals(new double[] {0, 0, 6}, scattered.toDoubleArray(), "repeated indices add up");
    }
}
