package dlblocks.autograd;

import static dlblocks.Generators.awayFromZero;
import static dlblocks.Generators.distinct;
import static dlblocks.Generators.positive;
import static dlblocks.Generators.randnDouble;
import static dlblocks.Generators.seeds;
import static dlblocks.Generators.shapes;
import static dlblocks.Generators.shapesWithDim;
import static dlblocks.Generators.sizes;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dlblocks.Tolerances;
import dlblocks.affine.Affine;
import dlblocks.loss.Losses;
import dlblocks.loss.Reduction;
import dlblocks.nonlinear.Nonlinear;
import dlblocks.random.Generator;
import dlblocks.softmax.Softmax;
import dlblocks.spec.Spec;
import dlblocks.tensor.DType;
import dlblocks.tensor.LinearAlgebra;
import dlblocks.tensor.Shape;
import dlblocks.tensor.Tensor;
import dlblocks.tensor.UnaryOp;
import java.util.Arrays;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * Every differentiable operation's backward agrees with finite differences: {@link GradCheck}, like
 * {@code torch.autograd.gradcheck}, compares each Jacobian entry from backward with
 * (f(x + ε) − f(x − ε))/2ε in float64, with its defaults ε = 10⁻⁶, atol = 10⁻⁵, rtol = 10⁻³ — never
 * loosened here. Where an operation has a kink (relu at 0, maximum at a tie, amax at a tie) or a
 * restricted domain (log, sqrt, division by 0), the inputs are kept away from it by construction.
 * Invariants in spec/tensor-autograd.md, section "Gradient checks". Shapes are small (sizes 1..3) so the Jacobians are cheap.
 */
class GradCheckProperties {

    /** A float64 leaf that requires grad, as GradCheck wants its inputs. */
    private static Tensor leaf(Tensor values) {
        return values.to(DType.FLOAT64).detach().requiresGrad_(true);
    }

    // ---------------------------------------------------------------- elementwise

    /** The four arithmetic operations of two tensors. */
    enum Arith {
        ADD(Tensor::add), SUB(Tensor::sub), MUL(Tensor::mul), DIV(Tensor::div);

        final BinaryOperator<Tensor> op;

        Arith(BinaryOperator<Tensor> op) {
            this.op = op;
        }
    }

    /**
     * a ∘ b for ∘ in +, −, ×, ÷ with broadcasting: b has a's shape with some dims set to 1 and some
     * leading dims dropped (bits of {@code pattern}), or the other way round. The gradient of the
     * broadcast operand is summed back to its shape. Divisors are kept off 0 (|b| ≥ 0.5).
     */
    @Test
    @Spec("GRAD-FD-ELEMENTWISE")
    void arithmeticWithBroadcastingMatchesFiniteDifferences() {
        qt().withExamples(120).forAll(Generate.enumValues(Arith.class), shapes(1, 3, 3), integers().between(0, 63), seeds())
                .checkAssert((op, shape, pattern, seed) -> {
                    int[] small = broadcastable(shape, pattern);
                    boolean swap = (pattern & 32) != 0;
                    int[] aShape = swap ? small : shape;
                    int[] bShape = swap ? shape : small;
                    Tensor a = leaf(randnDouble(seed, aShape));
                    Tensor b = leaf(op == Arith.DIV ? awayFromZero(seed + 1, 0.5, bShape) : randnDouble(seed + 1, bShape));
                    GradCheck.check(in -> op.op.apply(in[0], in[1]), a, b);
                });
    }

    /** Functions of one tensor, each with inputs inside its domain. */
    enum Unary {
        NEG, EXP, LOG, SQRT, POW, ADD_SCALAR, MUL_SCALAR, DIV_SCALAR;

        /** Inputs: log and sqrt get exp(z) + 0.5 &gt; 0; pow gets positive bases too (fractional exponents). */
        Tensor input(long seed, int[] shape) {
            return this == LOG || this == SQRT || this == POW ? positive(seed, 0.5, shape) : randnDouble(seed, shape);
        }

        /** The function; p is the exponent of POW and the constant of the scalar operations. */
        Tensor apply(Tensor x, double p) {
            switch (this) {
                case NEG: return x.neg();
                case EXP: return x.exp();
                case LOG: return x.log();
                case SQRT: return x.sqrt();
                case POW: return x.pow(p);
                case ADD_SCALAR: return x.add(p);
                case MUL_SCALAR: return x.mul(p);
                default: return x.div(p);
            }
        }
    }

    /** −x, eˣ, ln x, √x, xᵖ (p in −2..3.5 by halves, 0 included) and x + c, c·x, x/c (c = p + 1/4 ≠ 0). */
    @Test
    @Spec("GRAD-FD-ELEMENTWISE")
    void unaryFunctionsMatchFiniteDifferences() {
        qt().withExamples(120).forAll(Generate.enumValues(Unary.class), shapes(1, 3, 3), integers().between(-4, 7), seeds())
                .checkAssert((op, shape, halfP, seed) -> {
                    double p = op == Unary.POW ? halfP / 2.0 : halfP / 2.0 + 0.25;
                    GradCheck.check(in -> op.apply(in[0], p), leaf(op.input(seed, shape)));
                });
    }

    /** torch.maximum(a, b), with a and b at least 0.1 apart everywhere (its derivative jumps at ties). */
    @Test
    @Spec("GRAD-FD-ELEMENTWISE")
    void maximumMatchesFiniteDifferencesAwayFromTies() {
        qt().withExamples(100).forAll(shapes(1, 3, 3), seeds()).checkAssert((shape, seed) -> {
            double[] a = randnDouble(seed, shape).toDoubleArray();
            double[] apart = awayFromZero(seed + 1, 0.1, shape).toDoubleArray();
            double[] b = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                b[i] = a[i] + apart[i]; // |a − b| ≥ 0.1, larger on either side
            }
            GradCheck.check(in -> in[0].maximum(in[1]),
                    leaf(Tensor.fromDoubles(DType.FLOAT64, a, shape)), leaf(Tensor.fromDoubles(DType.FLOAT64, b, shape)));
        });
    }

    // ---------------------------------------------------------------- reductions

    /** The reductions. */
    enum Reduce { SUM, SUM_DIM, MEAN, MEAN_DIM, AMAX }

    /**
     * sum(), sum(dim, keepdim), mean(), mean(dim, keepdim) and amax(dim, keepdim) — amax on values at
     * least 0.3 apart, so that the largest is unique and stays so under ±ε.
     */
    @Test
    @Spec("GRAD-FD-REDUCTIONS")
    void reductionsMatchFiniteDifferences() {
        qt().withExamples(120).forAll(Generate.enumValues(Reduce.class), shapesWithDim(1, 3, 3), booleans().all(), seeds())
                .checkAssert((op, c, keepdim, seed) -> {
                    Tensor x = leaf(op == Reduce.AMAX ? distinct(seed, 0.3, c.shape()) : randnDouble(seed, c.shape()));
                    GradCheck.check(in -> {
                        switch (op) {
                            case SUM: return in[0].sum();
                            case SUM_DIM: return in[0].sum(c.dim(), keepdim);
                            case MEAN: return in[0].mean();
                            case MEAN_DIM: return in[0].mean(c.dim(), keepdim);
                            default: return in[0].amax(c.dim(), keepdim);
                        }
                    }, x);
                });
    }

    // ---------------------------------------------------------------- shapes

    /** The shape operations. */
    enum Reshape { VIEW, RESHAPE, TRANSPOSE, SELECT, UNSQUEEZE, EXPAND, SQUEEZE }

    /**
     * view (to the reversed shape), reshape(−1), transpose(d, d′), select(d, i), unsqueeze(d),
     * expand (of a shape with 1s) and squeeze: each moves numbers without changing them, so its Jacobian
     * is a 0/1 matrix — or, for expand, sums.
     */
    @Test
    @Spec("GRAD-FD-SHAPES")
    void shapeOperationsMatchFiniteDifferences() {
        qt().withExamples(140).forAll(Generate.enumValues(Reshape.class), shapesWithDim(1, 3, 3), integers().between(-3, 2), seeds())
                .checkAssert((op, c, other, seed) -> {
                    int[] shape = c.shape();
                    int rank = shape.length;
                    int size = shape[c.wrapped()];
                    int[] from = op == Reshape.EXPAND ? broadcastable(shape, Math.floorMod(other, 8))
                            : op == Reshape.SQUEEZE ? Shape.insert(shape, c.wrapped()) // a size-1 dim to squeeze away
                            : shape;
                    GradCheck.check(in -> {
                        switch (op) {
                            case VIEW: return in[0].view(reversed(from));
                            case RESHAPE: return in[0].reshape(-1);
                            case TRANSPOSE: return in[0].transpose(c.dim(), Math.floorMod(other, 2 * rank) - rank);
                            case SELECT: return in[0].select(c.dim(), Math.floorMod(other, 2 * size) - size);
                            case UNSQUEEZE: return in[0].unsqueeze(Math.floorMod(other, 2 * (rank + 1)) - (rank + 1));
                            case EXPAND: return in[0].expand(shape);
                            default: return in[0].squeeze(c.wrapped());
                        }
                    }, leaf(randnDouble(seed, from)));
                });
    }

    // ---------------------------------------------------------------- linear algebra and indexing

    /**
     * matmul for every pairing of 1-D and 2-D operands (dot, matrix·vector, vector·matrix,
     * matrix·matrix), and LinearAlgebra.mm(a, transA, b, transB) for all four transposes.
     */
    @Test
    @Spec("GRAD-FD-MATMUL")
    void matrixProductsMatchFiniteDifferences() {
        qt().withExamples(160).forAll(integers().between(0, 7), lists().of(sizes(3)).ofSize(3), seeds()).checkAssert((kind, mkn, seed) -> {
            int m = mkn.get(0);
            int k = mkn.get(1);
            int n = mkn.get(2);
            if (kind < 4) {
                int[] aShape = (kind & 2) != 0 ? new int[] {m, k} : new int[] {k};
                int[] bShape = (kind & 1) != 0 ? new int[] {k, n} : new int[] {k};
                GradCheck.check(in -> in[0].matmul(in[1]), leaf(randnDouble(seed, aShape)), leaf(randnDouble(seed + 1, bShape)));
            } else {
                boolean transA = (kind & 2) != 0;
                boolean transB = (kind & 1) != 0;
                Tensor a = leaf(randnDouble(seed, transA ? new int[] {k, m} : new int[] {m, k}));
                Tensor b = leaf(randnDouble(seed + 1, transB ? new int[] {n, k} : new int[] {k, n}));
                GradCheck.check(in -> LinearAlgebra.mm(in[0], transA, in[1], transB), a, b);
            }
        });
    }

    /** gather(dim, index) with random indices (repeats included: their gradients add up). */
    @Test
    @Spec("GRAD-FD-GATHER")
    void gatherMatchesFiniteDifferences() {
        qt().withExamples(120).forAll(shapesWithDim(1, 3, 3), sizes(3), seeds()).checkAssert((c, picks, seed) -> {
            int d = c.wrapped();
            int[] indexShape = Shape.with(c.shape(), d, picks);
            long[] index = new Generator(seed).randint(0, c.shape()[d], Shape.numel(indexShape));
            Tensor idx = Tensor.fromLongs(DType.INT64, index, indexShape);
            GradCheck.check(in -> in[0].gather(c.dim(), idx), leaf(randnDouble(seed + 1, c.shape())));
        });
    }

    // ---------------------------------------------------------------- the tutorial's building blocks

    /** Affine.linear(x, A, b) for 1-D, 2-D and 3-D x, with and without bias; x, A and b all checked. */
    @Test
    @Spec("GRAD-FD-LINEAR")
    void linearMatchesFiniteDifferences() {
        qt().withExamples(120).forAll(shapes(0, 2, 3), lists().of(sizes(3)).ofSize(2), booleans().all(), seeds())
                .checkAssert((lead, inOut, withBias, seed) -> {
                    int in = inOut.get(0);
                    int out = inOut.get(1);
                    int[] xShape = Arrays.copyOf(lead, lead.length + 1);
                    xShape[lead.length] = in;
                    Tensor x = leaf(randnDouble(seed, xShape));
                    Tensor a = leaf(randnDouble(seed + 1, out, in));
                    if (withBias) {
                        GradCheck.check(t -> Affine.linear(t[0], t[1], t[2]), x, a, leaf(randnDouble(seed + 2, out)));
                    } else {
                        GradCheck.check(t -> Affine.linear(t[0], t[1], null), x, a);
                    }
                });
    }

    /** relu (inputs at least 0.1 from its kink: z + sign(z)·0.1), tanh and sigmoid. */
    @Test
    @Spec("GRAD-FD-NONLINEAR")
    void nonlinearitiesMatchFiniteDifferences() {
        qt().withExamples(120).forAll(integers().between(0, 2), shapes(1, 3, 4), seeds()).checkAssert((which, shape, seed) -> {
            switch (which) {
                case 0: GradCheck.check(in -> Nonlinear.relu(in[0]), leaf(awayFromZero(seed, 0.1, shape))); break;
                case 1: GradCheck.check(in -> Nonlinear.tanh(in[0]), leaf(randnDouble(seed, shape).mul(2))); break;
                default: GradCheck.check(in -> Nonlinear.sigmoid(in[0]), leaf(randnDouble(seed, shape).mul(3)));
            }
        });
    }

    /** softmax and logSoftmax along any dim (negative ones too) of 1-D to 3-D tensors. */
    @Test
    @Spec("GRAD-FD-SOFTMAX")
    void softmaxAndLogSoftmaxMatchFiniteDifferences() {
        qt().withExamples(120).forAll(shapesWithDim(1, 3, 3), booleans().all(), seeds()).checkAssert((c, log, seed) -> {
            Tensor x = leaf(randnDouble(seed, c.shape()).mul(2));
            GradCheck.check(in -> log ? Softmax.logSoftmax(in[0], c.dim()) : Softmax.softmax(in[0], c.dim()), x);
        });
    }

    /**
     * nllLoss and crossEntropy for every reduction, with and without class weights, with and without an
     * ignored target (ignore_index = a class), on (N, C) and (C) inputs.
     */
    @Test
    @Spec("GRAD-FD-LOSS")
    void lossesMatchFiniteDifferences() {
        qt().withExamples(160).forAll(Generate.enumValues(Reduction.class), lists().of(sizes(4)).ofSize(2),
                integers().between(0, 15), seeds()).checkAssert((reduction, nc, flags, seed) -> {
                    int n = nc.get(0);
                    int classes = nc.get(1);
                    boolean crossEntropy = (flags & 1) != 0;
                    boolean weighted = (flags & 2) != 0;
                    boolean ignoring = (flags & 4) != 0;
                    boolean single = (flags & 8) != 0;
                    Generator g = new Generator(seed);
                    long[] labels = g.randint(0, classes, n);
                    long ignore = ignoring ? labels[n - 1] : Losses.DEFAULT_IGNORE_INDEX;
                    if (ignoring && labels[0] == ignore && classes > 1) {
                        labels[0] = (ignore + 1) % classes; // keep one example, so 'mean' is not 0/0
                    }
                    Tensor weight = weighted ? Tensor.fromDoubles(DType.FLOAT64, g.uniformDouble(classes, 0.2, 2), classes) : null;
                    int[] xShape = single ? new int[] {classes} : new int[] {n, classes};
                    Tensor target = single ? Tensor.fromLongs(DType.INT64, new long[] {labels[0]}) : Tensor.longs(labels);
                    boolean allIgnored = Arrays.stream(single ? new long[] {labels[0]} : labels).allMatch(l -> l == ignore);
                    if (allIgnored && reduction == Reduction.MEAN) {
                        return; // 0/0: NaN loss, no derivative to check (LOSS-IGNORE-INDEX covers it)
                    }
                    Tensor x = leaf(randnDouble(seed + 1, xShape));
                    GradCheck.check(in -> crossEntropy
                            ? Losses.crossEntropy(in[0], target, weight, reduction, ignore)
                            : Losses.nllLoss(in[0], target, weight, reduction, ignore), x);
                });
    }

    /**
     * The tutorial's network end to end: NLLLoss(logSoftmax(Linear₂(relu(Linear₁(x))))), checked with
     * respect to x, A₁, b₁, A₂ and b₂ at once. b₁ is chosen so that no hidden pre-activation comes within
     * 0.1 of relu's kink ({@link #offKinkBias}).
     */
    @Test
    @Spec("GRAD-FD-COMPOSITE")
    void linearReluLinearLogSoftmaxNllMatchesFiniteDifferences() {
        qt().withExamples(100).forAll(lists().of(sizes(3)).ofSize(4), Generate.enumValues(Reduction.class), seeds())
                .checkAssert((dims, reduction, seed) -> {
                    int n = dims.get(0);
                    int in = dims.get(1);
                    int hidden = dims.get(2);
                    int classes = dims.get(3) + 1;
                    Generator g = new Generator(seed);
                    Tensor x = leaf(Tensor.randnDouble(g, n, in));
                    Tensor a1 = leaf(Tensor.randnDouble(g, hidden, in));
                    Tensor b1 = leaf(offKinkBias(x, a1, g, 0.1));
                    Tensor a2 = leaf(Tensor.randnDouble(g, classes, hidden));
                    Tensor b2 = leaf(Tensor.randnDouble(g, classes));
                    Tensor target = Tensor.longs(g.randint(0, classes, n));
                    GradCheck.check(t -> Losses.nllLoss(Softmax.logSoftmax(
                            Affine.linear(Nonlinear.relu(Affine.linear(t[0], t[1], t[2])), t[3], t[4]), 1),
                            target, null, reduction, Losses.DEFAULT_IGNORE_INDEX), x, a1, b1, a2, b2);
                });
    }

    // ---------------------------------------------------------------- float32 against float64

    /**
     * float32 gradients agree with float64 gradients of the same function at the same (float32) inputs,
     * within {@link Tolerances#f32GradientBound}(k, M): M is the gradient evaluated on absolute values
     * (autograd on |x|, |A|, |b|, |R| with relu replaced by its fixed 0/1 mask), and k counts the
     * roundings along each term. For Affine.linear with upstream gradient R: ∂x = R·A (out + 1 roundings),
     * ∂A = Rᵀ·x (rows + 1), ∂b = Σ R (rows): k = max(out, rows) + 1.
     */
    @Test
    @Spec("GRAD-F32-MATCHES-F64")
    void float32LinearGradientsMatchFloat64() {
        qt().withExamples(200).forAll(shapes(0, 2, 4), lists().of(sizes(6)).ofSize(2), seeds()).checkAssert((lead, inOut, seed) -> {
            int in = inOut.get(0);
            int out = inOut.get(1);
            int[] xShape = Arrays.copyOf(lead, lead.length + 1);
            xShape[lead.length] = in;
            int[] yShape = xShape.clone();
            yShape[lead.length] = out;
            Generator g = new Generator(seed);
            Tensor[] values = {Tensor.randn(g, xShape), Tensor.randn(g, out, in), Tensor.randn(g, out), Tensor.randn(g, yShape)};
            int rows = Shape.numel(xShape) / in;
            assertGradientsAgree(values, Math.max(out, rows) + 1, null, (t, mask) -> Affine.linear(t[0], t[1], t[2]));
        });
    }

    /**
     * The same for Linear → relu → Linear with upstream gradient R: the longest chain of roundings is
     * forward through the first layer (in + 2) and back through both (out + 1, then rows + 1, or hidden + 1),
     * so k = in + hidden + out + rows + 4 bounds them all. b₁ keeps every pre-activation at least 0.1 from
     * the kink, so float32 and float64 agree on which units are on.
     */
    @Test
    @Spec("GRAD-F32-MATCHES-F64")
    void float32TwoLayerGradientsMatchFloat64() {
        qt().withExamples(200).forAll(lists().of(sizes(5)).ofSize(4), seeds()).checkAssert((dims, seed) -> {
            int rows = dims.get(0);
            int in = dims.get(1);
            int hidden = dims.get(2);
            int out = dims.get(3);
            Generator g = new Generator(seed);
            Tensor x = Tensor.randn(g, rows, in);
            Tensor a1 = Tensor.randn(g, hidden, in);
            Tensor b1 = offKinkBias(x, a1, g, 0.1).to(DType.FLOAT32);
            Tensor[] values = {x, a1, b1, Tensor.randn(g, out, hidden), Tensor.randn(g, out), Tensor.randn(g, rows, out)};
            Tensor mask; // which units are on: the same in float32 and float64, as b₁ keeps them off the kink
            try (NoGrad scope = new NoGrad()) {
                mask = Affine.linear(x.to(DType.FLOAT64), a1.to(DType.FLOAT64), b1.to(DType.FLOAT64)).map(UnaryOp.STEP);
            }
            assertGradientsAgree(values, in + hidden + out + rows + 4, mask, (t, m) -> {
                Tensor pre = Affine.linear(t[0], t[1], t[2]);
                Tensor h = m == null ? Nonlinear.relu(pre) : pre.mul(m);
                return Affine.linear(h, t[3], t[4]);
            });
        });
    }

    // ---------------------------------------------------------------- the check itself can fail

    /**
     * GradCheck is not vacuous: an operation whose backward is wrong — y = x² with ∂y/∂x given as x (the
     * 2 forgotten), or y = eˣ with the sign of its gradient flipped — makes it throw GradCheckError.
     */
    @Test
    @Spec("GRAD-CHECK-CATCHES-WRONG-GRADIENT")
    void gradCheckRejectsAWrongBackward() {
        qt().withExamples(50).forAll(shapes(1, 3, 3), booleans().all(), seeds()).checkAssert((shape, square, seed) -> {
            Tensor x = leaf(awayFromZero(seed, 0.1, shape));
            GradCheck.GradCheckError e = assertThrows(GradCheck.GradCheckError.class, () -> GradCheck.check(in -> square
                    ? Function.apply("WrongSquareBackward", () -> in[0].mul(in[0]), gy -> new Tensor[] {gy.mul(in[0])}, in[0])
                    : Function.apply("WrongExpBackward", () -> in[0].exp(), gy -> new Tensor[] {gy.mul(in[0].exp()).neg()}, in[0]),
                    x));
            assertTrue(e.getMessage().contains("Jacobian mismatch"), e.getMessage());
        });
    }

    // ---------------------------------------------------------------- helpers

    /** A function of leaves t; mask, when given, replaces relu by multiplication with that fixed 0/1 tensor. */
    private interface Net {
        Tensor apply(Tensor[] t, Tensor mask);
    }

    /**
     * Runs f on float32 leaves made from {@code values} (the last one is the upstream gradient R), on
     * float64 copies of the same numbers, and on float64 absolute values with relu replaced by {@code mask}
     * (null where f has no relu); then checks |g₃₂ − g₆₄| ≤ f32GradientBound(k, M) for every entry of
     * every leaf's gradient.
     */
    private static void assertGradientsAgree(Tensor[] values, int k, Tensor mask, Net f) {
        int leaves = values.length - 1;
        Tensor r = values[leaves];
        Tensor[] f32 = new Tensor[leaves];
        Tensor[] f64 = new Tensor[leaves];
        Tensor[] abs = new Tensor[leaves];
        for (int i = 0; i < leaves; i++) {
            f32[i] = values[i].detach().requiresGrad_(true);
            f64[i] = values[i].to(DType.FLOAT64).detach().requiresGrad_(true);
            abs[i] = values[i].to(DType.FLOAT64).map(UnaryOp.ABS).requiresGrad_(true);
        }
        f.apply(f32, null).backward(r);
        f.apply(f64, null).backward(r.to(DType.FLOAT64));
        f.apply(abs, mask).backward(r.to(DType.FLOAT64).map(UnaryOp.ABS));
        for (int i = 0; i < leaves; i++) {
            double[] g32 = f32[i].grad().toDoubleArray();
            double[] g64 = f64[i].grad().toDoubleArray();
            double[] m = abs[i].grad().toDoubleArray();
            for (int j = 0; j < g32.length; j++) {
                double bound = Tolerances.f32GradientBound(k, m[j]);
                assertTrue(Math.abs(g32[j] - g64[j]) <= bound, "leaf " + i + " " + Shape.str(values[i].shape())
                        + ", element " + j + ": float32 " + g32[j] + ", float64 " + g64[j] + " (bound " + bound + ")");
            }
        }
    }

    /**
     * A first-layer bias that keeps every pre-activation p = A₁·xₙ + b at least {@code margin} from 0:
     * for each hidden unit, −b is put in the middle of a gap of width ≥ 2·margin between the values
     * A₁·xₙ (or beyond their ends), chosen at random, so units are on for some rows and off for others.
     */
    static Tensor offKinkBias(Tensor x, Tensor a1, Generator g, double margin) {
        int rows = x.size(0);
        int in = x.size(1);
        int hidden = a1.size(0);
        double[] xs = x.toDoubleArray();
        double[] as = a1.toDoubleArray();
        double[] bias = new double[hidden];
        for (int j = 0; j < hidden; j++) {
            double[] p = new double[rows];
            for (int n = 0; n < rows; n++) {
                for (int k = 0; k < in; k++) {
                    p[n] += as[j * in + k] * xs[n * in + k];
                }
            }
            Arrays.sort(p);
            double[] cuts = new double[rows + 1];
            int count = 0;
            cuts[count++] = p[0] - 2 * margin;          // every row on
            cuts[count++] = p[rows - 1] + 2 * margin;   // every row off
            for (int n = 0; n + 1 < rows; n++) {
                if (p[n + 1] - p[n] >= 4 * margin) {
                    cuts[count++] = (p[n] + p[n + 1]) / 2;
                }
            }
            bias[j] = -cuts[(int) g.randint(0, count, 1)[0]];
        }
        return Tensor.fromDoubles(DType.FLOAT64, bias, hidden);
    }

    /** shape with the dims whose bit is set in pattern (bits 0..2) set to 1, and (bits 3..4) leading dims dropped. */
    private static int[] broadcastable(int[] shape, int pattern) {
        int[] small = shape.clone();
        for (int d = 0; d < small.length; d++) {
            if ((pattern & (1 << d)) != 0) {
                small[d] = 1;
            }
        }
        int drop = Math.min((pattern >> 3) & 3, small.length);
        return Arrays.copyOfRange(small, drop, small.length);
    }

    private static int[] reversed(int[] shape) {
        int[] r = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            r[i] = shape[shape.length - 1 - i];
        }
        return r;
    }
}
