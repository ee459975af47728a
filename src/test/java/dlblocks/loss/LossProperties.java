package dlblocks.loss;

import static dlblocks.Generators.seeds;
import static dlblocks.Generators.sizes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.doubles;

import dlblocks.Tolerances;
import dlblocks.random.Generator;
import dlblocks.softmax.Softmax;
import dlblocks.spec.Spec;
import dlblocks.tensor.DType;
import dlblocks.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The tutorial's objective functions: NLLLoss, "the negative log probability of the correct output",
 * and CrossEntropyLoss, "the same as NLLLoss(), except it does the log softmax for you". Invariants in
 * spec/loss.md. A batch has n examples (rows) of C classes; yᵢ is example i's class and
 * ℓᵢ = −w_{yᵢ}·input[i, yᵢ] its loss.
 */
class LossProperties {

    /** The three reductions, printed by name when a property fails. */
    private static Gen<Reduction> reductions() {
        return Generate.enumValues(Reduction.class);
    }

    /**
     * On log-probabilities (log-softmax output, ≤ 0) NLLLoss is ≥ 0 — per example, summed or averaged,
     * with or without (non-negative) class weights.
     */
    @Test
    @Spec("LOSS-NLL-NON-NEGATIVE")
    void nllLossOfLogProbabilitiesIsNonNegative() {
        qt().withExamples(300).forAll(batches(), reductions(), booleans().all()).checkAssert((b, reduction, weighted) -> {
            Tensor logProbs = Softmax.logSoftmax(b.logits, 1);
            Tensor loss = Losses.nllLoss(logProbs, b.target, weighted ? b.weight : null, reduction,
                    Losses.DEFAULT_IGNORE_INDEX);
            for (float v : loss.toFloatArray()) {
                assertTrue(v >= 0, b + ", " + reduction + ": loss " + v);
            }
        });
    }

    /** CrossEntropyLoss(x, y) = NLLLoss(logSoftmax(x), y), bit for bit, for every option and 1-D input. */
    @Test
    @Spec("LOSS-CE-IS-NLL-OF-LOG-SOFTMAX")
    void crossEntropyIsNllOfLogSoftmax() {
        qt().withExamples(300).forAll(batches(), reductions(), booleans().all(), booleans().all())
                .checkAssert((b, reduction, weighted, oneExample) -> {
                    Tensor x = oneExample ? b.logits.select(0, 0) : b.logits;
                    Tensor y = oneExample ? b.target.select(0, 0) : b.target;
                    Tensor w = weighted ? b.weight : null;
                    long ignore = b.ignoreIndex;
                    Tensor ce = Losses.crossEntropy(x, y, w, reduction, ignore);
                    Tensor nll = Losses.nllLoss(Softmax.logSoftmax(x, oneExample ? 0 : 1), y, w, reduction, ignore);
                    assertArrayEquals(nll.shape(), ce.shape());
                    assertArrayEquals(nll.toFloatArray(), ce.toFloatArray(), b + ", " + reduction);
                    Tensor module = new CrossEntropyLoss().weight(w).reduction(reduction).ignoreIndex(ignore).forward(x, y);
                    Tensor nllModule = new NLLLoss().weight(w).reduction(reduction).ignoreIndex(ignore)
                            .forward(Softmax.logSoftmax(x, oneExample ? 0 : 1), y);
                    assertArrayEquals(nllModule.toFloatArray(), module.toFloatArray(), "the modules, " + b + ", " + reduction);
                });
    }

    /** Without weights, reduction 'mean' is reduction 'sum' divided by n: exactly the float32 quotient. */
    @Test
    @Spec("LOSS-MEAN-IS-SUM-OVER-N")
    void meanIsSumDividedByTheNumberOfExamples() {
        qt().withExamples(300).forAll(batches()).checkAssert(b -> {
            Tensor logProbs = Softmax.logSoftmax(b.logits, 1);
            double sum = Losses.nllLoss(logProbs, b.target, null, Reduction.SUM, -100).item();
            double mean = Losses.nllLoss(logProbs, b.target, null, Reduction.MEAN, -100).item();
            assertEquals((float) (sum / b.n), (float) mean, 0f, b + ": sum " + sum);
            assertEquals((float) mean, Losses.nllLoss(logProbs, b.target).item(), 0f, "the default reduction is mean");
        });
    }

    /**
     * With class weights, 'mean' is PyTorch's weighted mean Σᵢ w_{yᵢ}·(−input[i, yᵢ]) / Σᵢ w_{yᵢ} — not a
     * division by n. Against plain float64 loops, within f32SumBound(n + 1, Σ|w·input| / Σw): the float32
     * numerator is off by γₙ₊₁ relative to its absolute sum, the denominator by γₙ, the quotient by u.
     */
    @Test
    @Spec("LOSS-WEIGHTED-MEAN")
    void weightedMeanDividesByTheSumOfTheTargetsWeights() {
        qt().withExamples(300).forAll(batches()).checkAssert(b -> {
            Tensor input = Softmax.logSoftmax(b.logits, 1);
            double got = Losses.nllLoss(input, b.target, b.weight, Reduction.MEAN, -100).item();
            double[] x = input.toDoubleArray();
            double[] w = b.weight.toDoubleArray();
            long[] y = b.target.toLongArray();
            double numerator = 0;
            double absNumerator = 0;
            double denominator = 0;
            for (int i = 0; i < b.n; i++) {
                double wi = w[(int) y[i]];
                numerator += -wi * x[i * b.classes + (int) y[i]];
                absNumerator += Math.abs(wi * x[i * b.classes + (int) y[i]]);
                denominator += wi;
            }
            double bound = Tolerances.f32SumBound(b.n + 1, absNumerator / denominator);
            assertTrue(Math.abs(got - numerator / denominator) <= bound, b + ": weighted mean " + got + ", loops "
                    + numerator / denominator + " (bound " + bound + ")");
        });
    }

    /**
     * Targets equal to ignore_index (−100 by default, or a class) are left out: the loss is that of the
     * other examples alone, bit for bit, for every reduction ('none' gives +0 for an ignored example), and
     * their logits get no gradient. When every example is ignored, 'mean' is NaN (0/0) and 'sum' is +0, as
     * in PyTorch.
     */
    @Test
    @Spec("LOSS-IGNORE-INDEX")
    void ignoredTargetsContributeNeitherLossNorGradient() {
        qt().withExamples(300).forAll(batches(), reductions(), booleans().all()).checkAssert((b, reduction, weighted) -> {
            Tensor w = weighted ? b.weight : null;
            long[] y = b.target.toLongArray();
            List<Integer> kept = new ArrayList<>();
            for (int i = 0; i < b.n; i++) {
                if (y[i] != b.ignoreIndex) kept.add(i);
            }
            Tensor logits = b.logits.detach().requiresGrad_(true);
            Tensor loss = Losses.crossEntropy(logits, b.target, w, reduction, b.ignoreIndex);
            float[] got = loss.toFloatArray();
            if (kept.isEmpty()) {
                float expected = reduction == Reduction.MEAN ? Float.NaN : 0f;
                for (float v : got) {
                    assertEquals(expected, v, b + ", " + reduction + ": all ignored"); // NaN as NaN; 0 as +0
                }
            } else {
                Tensor keptLogits = rows(b.logits, kept);
                Tensor keptTarget = Tensor.longs(kept.stream().mapToLong(i -> y[i]).toArray());
                float[] expected = Losses.crossEntropy(keptLogits, keptTarget, w, reduction, b.ignoreIndex).toFloatArray();
                if (reduction == Reduction.NONE) {
                    for (int i = 0; i < b.n; i++) {
                        int k = kept.indexOf(i);
                        assertEquals(k < 0 ? 0f : expected[k], got[i], b + ": example " + i); // ignored: +0, as PyTorch
                    }
                } else {
                    assertEquals(expected[0], got[0], 0f, b + ", " + reduction);
                }
            }
            loss.backward(Tensor.onesLike(loss));
            float[] grad = logits.grad().toFloatArray();
            for (int i = 0; i < b.n; i++) {
                for (int c = 0; c < b.classes && !kept.contains(i); c++) {
                    assertEquals(0f, grad[i * b.classes + c], 0f, b + ": gradient of ignored example " + i);
                }
            }
        });
    }

    /**
     * Reduction 'none' gives the n losses ℓᵢ = −w_{yᵢ}·input[i, yᵢ] themselves — one float32 product, so
     * exactly −fl(w·input) — and 'sum' is their float32 running sum, in order.
     */
    @Test
    @Spec("LOSS-REDUCTION-NONE")
    void reductionNoneGivesThePerExampleLosses() {
        qt().withExamples(300).forAll(batches(), booleans().all()).checkAssert((b, weighted) -> {
            Tensor input = Softmax.logSoftmax(b.logits, 1);
            Tensor w = weighted ? b.weight : null;
            Tensor none = Losses.nllLoss(input, b.target, w, Reduction.NONE, -100);
            assertArrayEquals(new int[] {b.n}, none.shape());
            float[] x = input.toFloatArray();
            float[] weights = weighted ? b.weight.toFloatArray() : null;
            long[] y = b.target.toLongArray();
            float[] losses = none.toFloatArray();
            float running = 0;
            for (int i = 0; i < b.n; i++) {
                float xi = x[i * b.classes + (int) y[i]];
                float expected = weighted ? -(xi * weights[(int) y[i]]) : -xi;
                assertEquals(expected, losses[i], 0f, b + ": example " + i);
                running += losses[i];
            }
            assertEquals(running, (float) Losses.nllLoss(input, b.target, w, Reduction.SUM, -100).item(), 0f, b + ": sum");
        });
    }

    /**
     * "If it is very confident in its answer, and its answer is correct, the loss will be low": raising
     * the true class's logit by δ ∈ [0.5, 4] never raises that example's cross-entropy, and lowers it
     * whenever it was above 10⁻³ (the exact drop, log((1 + A)/(1 + A·e^(−δ))) with A = Σ_{j≠y} e^(xⱼ−x_y),
     * is then ≥ 0.39·ℓ — far beyond rounding); the other examples' losses are unchanged.
     */
    @Test
    @Spec("LOSS-FALLS-AS-TRUE-LOGIT-RISES")
    void lossFallsWhenTheTrueClassLogitRises() {
        qt().withExamples(300).forAll(batches(), doubles().between(0.5, 4)).checkAssert((b, delta) -> {
            float[] before = Losses.crossEntropy(b.logits, b.target, null, Reduction.NONE, -100).toFloatArray();
            int i = b.n / 2;
            int yi = (int) b.target.toLongArray()[i];
            float[] raised = b.logits.toFloatArray();
            raised[i * b.classes + yi] += (float) (double) delta;
            float[] after = Losses.crossEntropy(Tensor.fromFloats(raised, b.n, b.classes), b.target, null,
                    Reduction.NONE, -100).toFloatArray();
            for (int k = 0; k < b.n; k++) {
                if (k != i) {
                    assertEquals(before[k], after[k], 0f, b + ": example " + k + " changed");
                }
            }
            assertTrue(after[i] <= before[i], b + ": loss rose from " + before[i] + " to " + after[i]);
            if (before[i] > 1e-3) {
                assertTrue(after[i] < before[i], b + ": loss stayed at " + before[i]);
            }
        });
    }

    /**
     * ∂CE/∂logits = softmax(x) − onehot(y), divided by n for 'mean': checked in float64 against plain
     * loops, within {@link Tolerances#crossEntropyGradBound}.
     */
    @Test
    @Spec("LOSS-CE-GRADIENT")
    void crossEntropyGradientIsSoftmaxMinusOneHot() {
        qt().withExamples(300).forAll(batches(), booleans().all()).checkAssert((b, mean) -> {
            Tensor x = b.logits.to(DType.FLOAT64).requiresGrad_(true);
            Losses.crossEntropy(x, b.target, null, mean ? Reduction.MEAN : Reduction.SUM, -100).backward();
            double[] grad = x.grad().toDoubleArray();
            double[] logits = x.toDoubleArray();
            long[] y = b.target.toLongArray();
            double scale = mean ? b.n : 1;
            for (int i = 0; i < b.n; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < b.classes; c++) {
                    max = Math.max(max, logits[i * b.classes + c]);
                }
                double[] e = new double[b.classes];
                double sum = 0;
                for (int c = 0; c < b.classes; c++) {
                    e[c] = Math.exp(logits[i * b.classes + c] - max);
                    sum += e[c];
                }
                for (int c = 0; c < b.classes; c++) {
                    double p = e[c] / sum;
                    double expected = (p - (c == y[i] ? 1 : 0)) / scale;
                    double bound = Tolerances.crossEntropyGradBound(DType.FLOAT64, b.classes, p, Math.log(p), scale);
                    assertTrue(Math.abs(grad[i * b.classes + c] - expected) <= bound, b + ": ∂L/∂x[" + i + ", " + c
                            + "] = " + grad[i * b.classes + c] + ", softmax − onehot gives " + expected);
                }
            }
        });
    }

    // ---------------------------------------------------------------- inputs

    /**
     * One batch: n examples (1..8) of C classes (1..6), logits N(0, scale²), targets uniform over the
     * classes, positive class weights, and an ignore_index that is −100 or one of the classes.
     */
    static final class Batch {
        final int n;
        final int classes;
        final long seed;
        final double scale;
        final Tensor logits;
        final Tensor target;
        final Tensor weight;
        final long ignoreIndex;

        Batch(int n, int classes, double scale, long seed) {
            this.n = n;
            this.classes = classes;
            this.seed = seed;
            this.scale = scale;
            Generator g = new Generator(seed);
            logits = Tensor.fromFloats(g.normal(n * classes, 0, scale), n, classes);
            target = Tensor.longs(g.randint(0, classes, n));
            weight = Tensor.fromFloats(g.uniform(classes, 0.05, 2), classes);
            ignoreIndex = seed % 3 == 0 ? Losses.DEFAULT_IGNORE_INDEX : g.randint(0, classes, 1)[0];
        }

        @Override
        public String toString() {
            return "n " + n + ", C " + classes + ", scale " + scale + ", seed " + seed + ", ignore_index " + ignoreIndex;
        }
    }

    private static Gen<Batch> batches() {
        return sizes(8).zip(sizes(6), doubles().between(1e-2, 30), seeds(), Batch::new);
    }

    private static Tensor rows(Tensor x, List<Integer> rows) {
        int cols = x.size(1);
        float[] all = x.toFloatArray();
        float[] picked = new float[rows.size() * cols];
        for (int k = 0; k < rows.size(); k++) {
            System.arraycopy(all, rows.get(k) * cols, picked, k * cols, cols);
        }
        return Tensor.fromFloats(picked, rows.size(), cols);
    }
}
