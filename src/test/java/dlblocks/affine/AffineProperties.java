package dlblocks.affine;

import static dlblocks.Generators.seeds;
import static dlblocks.Generators.shapes;
import static dlblocks.Generators.sizes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dlblocks.Tolerances;
import dlblocks.autograd.NoGrad;
import dlblocks.random.Generator;
import dlblocks.spec.Spec;
import dlblocks.tensor.Shape;
import dlblocks.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The affine map of the tutorial's first section, f(x) = Ax + b, as {@code nn.Linear} applies it: to
 * each row of the input, y = x·Aᵀ + b. Invariants in spec/affine.md.
 */
class AffineProperties {

    /**
     * "The i'th row of the output is the mapping of the i'th row of the input under A, plus the bias
     * term": replacing every other row of x leaves row i of Linear(x) unchanged, bit for bit.
     */
    @Test
    @Spec("AFFINE-ROWS-INDEPENDENT")
    void eachOutputRowDependsOnlyOnItsOwnInputRow() {
        qt().withExamples(200).forAll(sizes(7), sizes(6), sizes(6), seeds()).checkAssert((n, in, out, seed) -> {
            Generator g = new Generator(seed);
            Linear lin = new Linear(in, out, true, g);
            float[] x = g.randn(n * in);
            float[] other = g.randn(n * in);
            int i = (int) Math.floorMod(seed, (long) n);
            System.arraycopy(x, i * in, other, i * in, in); // other shares only row i with x
            float[] y = forward(lin, Tensor.fromFloats(x, n, in)).toFloatArray();
            float[] y2 = forward(lin, Tensor.fromFloats(other, n, in)).toFloatArray();
            assertArrayEquals(Arrays.copyOfRange(y, i * out, (i + 1) * out),
                    Arrays.copyOfRange(y2, i * out, (i + 1) * out),
                    "row " + i + " of Linear(x) changed when only the other rows of x changed");
        });
    }

    /**
     * Linear(x) = x·Aᵀ + b, against plain loops in float64 on the same float32 numbers. Each output is a
     * float32 dot product of in terms plus the bias: in + 1 roundings, so within
     * f32SumBound(in + 1, Σₖ|xₖ·Aⱼₖ| + |bⱼ|) of the loops' (essentially exact) value.
     */
    @Test
    @Spec("AFFINE-MATCHES-REFERENCE")
    void linearIsXTimesATransposedPlusBAsPlainLoopsComputeIt() {
        qt().withExamples(200).forAll(shapes(0, 2, 4), sizes(9), sizes(6), seeds()).checkAssert((lead, in, out, seed) -> {
            Generator g = new Generator(seed);
            Linear lin = new Linear(in, out, true, g);
            int[] xShape = append(lead, in);
            Tensor x = Tensor.randn(g, xShape);
            double[] y = forward(lin, x).toDoubleArray();
            double[] xs = x.toDoubleArray();
            double[] a = lin.weight.toDoubleArray();
            double[] b = lin.bias.toDoubleArray();
            for (int r = 0; r < xs.length / in; r++) {
                for (int j = 0; j < out; j++) {
                    double exact = b[j];
                    double abs = Math.abs(b[j]);
                    for (int k = 0; k < in; k++) {
                        exact += xs[r * in + k] * a[j * in + k];
                        abs += Math.abs(xs[r * in + k] * a[j * in + k]);
                    }
                    double bound = Tolerances.f32SumBound(in + 1, abs);
                    double got = y[r * out + j];
                    assertTrue(Math.abs(got - exact) <= bound, "input " + Shape.str(xShape) + ", row " + r
                            + ", output " + j + ": Linear gives " + got + ", loops give " + exact + " (bound " + bound + ")");
                }
            }
        });
    }

    /**
     * "Composing affine maps gives you an affine map": with A = A₂·A₁ and b = A₂·b₁ + b₂,
     * f₂(f₁(x)) = A·x + b. Both sides are sums of products A₂·A₁·x, A₂·b₁ and b₂ whose terms pass through
     * at most (in₁ + 2) + (in₂ + 2) roundings (see {@link #chainBound}).
     */
    @Test
    @Spec("AFFINE-COMPOSITION-IS-AFFINE")
    void twoComposedAffineMapsAreOneAffineMap() {
        qt().withExamples(200).forAll(lists().of(sizes(6)).ofSize(4), seeds()).checkAssert((dims, seed) -> {
            Generator g = new Generator(seed);
            int n = dims.get(0);
            Linear f1 = new Linear(dims.get(1), dims.get(2), true, g);
            Linear f2 = new Linear(dims.get(2), dims.get(3), true, g);
            Tensor x = Tensor.randn(g, n, dims.get(1));
            Tensor composed;
            Tensor single;
            try (NoGrad scope = new NoGrad()) {
                composed = f2.forward(f1.forward(x));
                Tensor a = f2.weight.mm(f1.weight);                         // A = A₂·A₁
                Tensor b = f2.weight.matmul(f1.bias).add(f2.bias);          // b = A₂·b₁ + b₂
                single = Affine.linear(x, a, b);
            }
            assertWithinChainBound(List.of(f1, f2), x, composed, single);
        });
    }

    /**
     * "If you wanted your neural network to be long chains of affine compositions, … this adds no new
     * power to your model than just doing a single affine map": a chain of 1..5 Linear layers with
     * nothing between them equals the one Linear map they fold into.
     */
    @Test
    @Spec("AFFINE-CHAIN-COLLAPSES")
    void aChainOfLinearLayersWithoutNonlinearityIsOneLinearLayer() {
        qt().withExamples(150).forAll(lists().of(sizes(5)).ofSizeBetween(2, 6), sizes(4), seeds())
                .checkAssert((widths, n, seed) -> {
                    Generator g = new Generator(seed);
                    List<Linear> layers = new ArrayList<>();
                    for (int l = 0; l + 1 < widths.size(); l++) {
                        layers.add(new Linear(widths.get(l), widths.get(l + 1), true, g));
                    }
                    Tensor x = Tensor.randn(g, n, widths.get(0));
                    Tensor chained = x;
                    Linear folded = new Linear(widths.get(0), widths.get(widths.size() - 1), true, g);
                    try (NoGrad scope = new NoGrad()) {
                        Tensor a = layers.get(0).weight.detach();
                        Tensor b = layers.get(0).bias.detach();
                        for (Linear layer : layers) {
                            chained = layer.forward(chained);
                        }
                        for (Linear layer : layers.subList(1, layers.size())) {
                            a = layer.weight.mm(a);                   // A ← Aₗ·A
                            b = Affine.linear(b, layer.weight, layer.bias); // b ← Aₗ·b + bₗ
                        }
                        folded.weight.setData(a);
                        folded.bias.setData(b);
                        assertWithinChainBound(layers, x, chained, folded.forward(x));
                    }
                });
    }

    /** nn.Linear(in, out) maps an input of shape (…, in) to (…, out): a vector, a batch, a batch of batches. */
    @Test
    @Spec("AFFINE-OUTPUT-SHAPE")
    void linearMapsShapeDotsInToDotsOut() {
        qt().withExamples(200).forAll(shapes(0, 2, 5), lists().of(sizes(6)).ofSize(2), booleans().all(), seeds())
                .checkAssert((lead, inOut, bias, seed) -> {
                    int in = inOut.get(0);
                    int out = inOut.get(1);
                    Generator g = new Generator(seed);
                    Linear lin = new Linear(in, out, bias, g);
                    Tensor y = forward(lin, Tensor.randn(g, append(lead, in)));
                    assertArrayEquals(append(lead, out), y.shape(), "Linear(" + in + ", " + out + ") of input "
                            + Shape.str(append(lead, in)));
                });
    }

    /**
     * PyTorch's initialisation: every weight and bias lies in [−β, β] with β = 1/√in rounded to float32.
     * (The weights are U(−β, β) from kaiming_uniform_(a = √5), whose bound √3·√(2/(1 + 5))/√in is 1/√in;
     * its float32 rounding equals that of 1/√in for every in ≤ 10⁵. A draw may land on β itself.)
     */
    @Test
    @Spec("AFFINE-INIT-BOUNDS")
    void initialWeightsAndBiasesLieWithinOneOverRootIn() {
        qt().withExamples(200).forAll(integers().between(1, 300), sizes(9), seeds()).checkAssert((in, out, seed) -> {
            Linear lin = new Linear(in, out, true, new Generator(seed));
            float beta = (float) (1 / Math.sqrt(in));
            for (Tensor p : List.of(lin.weight, lin.bias)) {
                for (float v : p.toFloatArray()) {
                    assertTrue(Math.abs(v) <= beta, "Linear(" + in + ", " + out + "): |" + v + "| > " + beta);
                }
            }
        });
    }

    /**
     * F.linear checks its operands: a weight that is not 2-D, a bias whose shape is not (out), or a 0-d
     * input is an IllegalArgumentException naming the offending shape (a width mismatch is PyTorch's
     * "mat1 and mat2 shapes cannot be multiplied", checked in ErrorsTest).
     */
    @Test
    @Spec("AFFINE-SHAPES-CHECKED")
    void linearRejectsOperandsOfTheWrongShapeNamingThem() {
        qt().withExamples(100).forAll(sizes(5), sizes(5), sizes(4), seeds()).checkAssert((in, out, extra, seed) -> {
            Generator g = new Generator(seed);
            Tensor x = Tensor.randn(g, 2, in);
            Tensor weight = Tensor.randn(g, out, in);
            Tensor bias = Tensor.randn(g, out);
            int[] flatWeight = {out * in};
            int[] wrongBias = {out + extra};
            assertMessageNames(() -> Affine.linear(x, weight.reshape(flatWeight), bias), Shape.str(flatWeight));
            assertMessageNames(() -> Affine.linear(x, weight.unsqueeze(0), bias), Shape.str(new int[] {1, out, in}));
            assertMessageNames(() -> Affine.linear(x, weight, Tensor.randn(g, wrongBias)), Shape.str(wrongBias));
            assertMessageNames(() -> Affine.linear(x, weight, bias.unsqueeze(0)), Shape.str(new int[] {1, out}));
            assertMessageNames(() -> Affine.linear(Tensor.scalar(1), weight, bias), "0-d");
            assertThrows(IllegalArgumentException.class, () -> new Linear(-extra, out));
        });
    }

    // ---------------------------------------------------------------- helpers

    private static void assertMessageNames(Executable call, String what) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(what), "message should name " + what + ": " + e.getMessage());
    }

    private static Tensor forward(Linear lin, Tensor x) {
        try (NoGrad scope = new NoGrad()) {
            return lin.forward(x);
        }
    }

    private static int[] append(int[] lead, int last) {
        int[] shape = Arrays.copyOf(lead, lead.length + 1);
        shape[lead.length] = last;
        return shape;
    }

    /**
     * Checks that two float32 evaluations of the same affine chain agree. Each term of the result — a
     * product Aₗ⋯A₁·x, Aₗ⋯Aₘ₊₁·bₘ or bₗ — is rounded at most (inₘ + 2) times per layer it passes (one
     * product, inₘ additions, one bias addition) in either order of evaluation, so both results are
     * within γₖ·M of the exact value, k = Σₗ(inₗ + 2) and M the chain evaluated on absolute values:
     * their difference is within {@link Tolerances#f32SumBound}(k, M).
     */
    private static void assertWithinChainBound(List<Linear> layers, Tensor x, Tensor left, Tensor right) {
        double[] abs = chainBound(layers, x);
        int k = 0;
        for (Linear layer : layers) {
            k += layer.inFeatures() + 2;
        }
        double[] l = left.toDoubleArray();
        double[] r = right.toDoubleArray();
        for (int i = 0; i < l.length; i++) {
            double bound = Tolerances.f32SumBound(k, abs[i]);
            assertTrue(Math.abs(l[i] - r[i]) <= bound, "element " + i + ": chained " + l[i] + ", folded " + r[i]
                    + ", |difference| " + Math.abs(l[i] - r[i]) + " > bound " + bound);
        }
    }

    /** M: the chain evaluated in float64 on |x|, |Aₗ| and |bₗ|, row by row. */
    private static double[] chainBound(List<Linear> layers, Tensor x) {
        int rows = x.size(0);
        double[] m = x.toDoubleArray();
        for (int i = 0; i < m.length; i++) {
            m[i] = Math.abs(m[i]);
        }
        for (Linear layer : layers) {
            int in = layer.inFeatures();
            int out = layer.outFeatures();
            double[] a = layer.weight.toDoubleArray();
            double[] b = layer.bias.toDoubleArray();
            double[] next = new double[rows * out];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < out; j++) {
                    double s = Math.abs(b[j]);
                    for (int k = 0; k < in; k++) {
                        s += Math.abs(a[j * in + k]) * m[r * in + k];
                    }
                    next[r * out + j] = s;
                }
            }
            m = next;
        }
        return m;
    }
}
