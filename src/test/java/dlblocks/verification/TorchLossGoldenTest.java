package dlblocks.verification;

import static dlblocks.Tolerances.f32SumBound;
import static dlblocks.verification.TorchGolden.cases;
import static dlblocks.verification.TorchGolden.ints;
import static dlblocks.verification.TorchGolden.load;
import static dlblocks.verification.TorchGolden.map;
import static dlblocks.verification.TorchGolden.values;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dlblocks.Tolerances.Torch;
import dlblocks.loss.Reduction;
import dlblocks.spec.Spec;
import dlblocks.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code F.nll_loss} and {@code F.cross_entropy} as PyTorch 1.13 computed them
 * ({@code verification/golden/torch/losses.json}): every reduction, with and without class weights, with
 * the default and a present {@code ignore_index}, every target ignored, a single (C) input. Values and
 * input gradients are compared within the bounds of {@link dlblocks.Tolerances.Torch}; where both libraries
 * form the same single products (NLLLoss without a mean), bit for bit.
 */
class TorchLossGoldenTest {

    @AfterAll
    static void printSummary() {
        System.out.print(Agreement.summary("losses/"));
    }

    @Spec("TORCH-LOSSES-AGREE")
    @TestFactory
    Stream<DynamicTest> nllLossAndCrossEntropyAgreeWithTorchForEveryOption() {
        List<Map<String, Object>> all = cases(load("losses.json"));
        assertTrue(all.size() >= 60, "losses.json holds only " + all.size() + " cases");
        return all.stream().map(c -> dynamicTest((String) c.get("id"), () -> check(c)));
    }

    static void check(Map<String, Object> c) {
        String id = (String) c.get("id");
        String op = (String) c.get("op");
        Map<String, Object> args = map(c.get("args"));
        Map<String, Tensor> in = TorchGolden.inputs(c);
        in.get("input").requiresGrad_(true);
        Tensor out = JavaOps.forward(op, args, in);
        LossBounds b = new LossBounds(c);
        double[] outBound = b.output();
        Map<String, Object> expected = map(c.get("output"));
        if (outBound == null) {
            Agreement.exact("losses/" + op + " forward", op, id, "output", expected, out);
        } else {
            Agreement.within("losses/" + op + " forward", op, id, "output", expected, out, outBound);
        }
        out.backward(TorchGolden.tensor(map(c.get("grad_output"))));
        Map<String, Object> grad = map(map(c.get("grads")).get("input"));
        double[] gradBound = b.grad();
        if (gradBound == null) {
            Agreement.exact("losses/" + op + " backward", op, id, "grad input", grad, in.get("input").grad());
        } else {
            Agreement.within("losses/" + op + " backward", op, id, "grad input", grad, in.get("input").grad(),
                    gradBound);
        }
    }

    /**
     * The bounds of one loss case. Example i (of N, C classes) has weight wᵢ = weight[yᵢ] (1 without weights,
     * 0 when yᵢ = ignore_index) and term tᵢ = −wᵢ·logpᵢ,yᵢ; W = Σwᵢ. For cross-entropy logp is the
     * log-softmax of the input, whose two computations differ by {@link Torch#logSoftmax} per element.
     */
    static final class LossBounds {
        final boolean crossEntropy;
        final Reduction reduction;
        final int n;
        final int classes;
        final double[][] logp;
        final double[][] logpBound;
        final long[] target;
        final double[] w;
        final boolean[] kept;
        final double totalWeight;
        final double[] e;
        final double[] g;
        final double[] expectedGrad;

        LossBounds(Map<String, Object> c) {
            Map<String, Object> args = map(c.get("args"));
            Map<String, Object> inputs = map(c.get("inputs"));
            crossEntropy = c.get("op").equals("cross_entropy");
            reduction = Reduction.parse((String) args.get("reduction"));
            long ignore = JavaOps.intArg(args, "ignore_index");
            int[] shape = ints(map(inputs.get("input")).get("shape"));
            n = shape.length == 1 ? 1 : shape[0];
            classes = shape[shape.length - 1];
            double[] x = values(map(inputs.get("input")));
            double[] t = values(map(inputs.get("target")));
            double[] weight = inputs.containsKey("weight") ? values(map(inputs.get("weight"))) : null;
            logp = new double[n][classes];
            logpBound = new double[n][classes];
            target = new long[n];
            w = new double[n];
            kept = new boolean[n];
            double total = 0;
            for (int i = 0; i < n; i++) {
                double m = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < classes; j++) {
                    m = Math.max(m, x[i * classes + j]);
                }
                double s = 0;
                for (int j = 0; j < classes; j++) {
                    s += Math.exp(x[i * classes + j] - m);
                }
                for (int j = 0; j < classes; j++) {
                    double v = x[i * classes + j];
                    logp[i][j] = crossEntropy ? v - m - Math.log(s) : v;
                    logpBound[i][j] = crossEntropy ? Torch.logSoftmax(classes, Math.log(s), logp[i][j]) : 0;
                }
                target[i] = (long) t[i];
                kept[i] = target[i] != ignore;
                w[i] = !kept[i] ? 0 : weight == null ? 1 : weight[(int) target[i]];
                total += w[i];
            }
            totalWeight = total;
            e = values(map(c.get("output")));
            g = values(map(c.get("grad_output")));
            expectedGrad = values(map(map(c.get("grads")).get("input")));
        }

        double term(int i) {
            return kept[i] ? -w[i] * logp[i][(int) target[i]] : 0;
        }

        double termBound(int i) {
            return kept[i] ? w[i] * logpBound[i][(int) target[i]] : 0;
        }

        /**
         * none: NLLLoss's terms are one identical product in both libraries (exact); cross-entropy's differ
         * by wᵢ·Δlogp plus each product's rounding. sum and mean: {@link Torch#weightedMean}'s argument (a
         * sum in any order; the mean's W = 0 gives NaN in both, compared as NaN).
         */
        double[] output() {
            if (reduction == Reduction.NONE) {
                if (!crossEntropy) {
                    return null;
                }
                double[] bound = new double[n];
                for (int i = 0; i < n; i++) {
                    bound[i] = termBound(i) + Torch.gamma(2) * Math.abs(e[i]);
                }
                return bound;
            }
            double sumAbs = 0;
            double disc = 0;
            for (int i = 0; i < n; i++) {
                sumAbs += Math.abs(term(i));
                disc += termBound(i);
            }
            int k = crossEntropy ? 1 : 0;
            if (reduction == Reduction.SUM) {
                return new double[] {disc + f32SumBound(n + k, sumAbs)};
            }
            return totalWeight == 0 ? null
                    : new double[] {Torch.weightedMean(n, k, sumAbs, disc, totalWeight, Math.abs(e[0]))};
        }

        /**
         * NLLLoss's gradient is −wᵢ·s at (i, yᵢ) and 0 elsewhere, s = gᵢ (none), g (sum) or g/W (mean): exact
         * but for the mean's W ({@link Torch#weightedMeanGrad}). Cross-entropy passes that gradient through
         * the log-softmax ({@link Torch#logSoftmaxGrad}, with the mean's difference as upstream).
         */
        double[] grad() {
            double[][] up = new double[n][classes];
            double[][] upBound = new double[n][classes];
            boolean exact = true;
            for (int i = 0; i < n; i++) {
                if (!kept[i] || reduction == Reduction.MEAN && totalWeight == 0) {
                    continue;
                }
                int yi = (int) target[i];
                double s = reduction == Reduction.NONE ? g[i] : reduction == Reduction.SUM ? g[0] : g[0] / totalWeight;
                up[i][yi] = -w[i] * s;
                if (reduction == Reduction.MEAN) {
                    upBound[i][yi] = Torch.weightedMeanGrad(n, totalWeight, Math.abs(up[i][yi]));
                    exact = false;
                }
            }
            if (!crossEntropy) {
                return exact ? null : flatten(upBound);
            }
            double[] bound = new double[n * classes];
            for (int i = 0; i < n; i++) {
                double sumG = 0;
                double sumAbsG = 0;
                double sumUpBound = 0;
                for (int j = 0; j < classes; j++) {
                    sumG += up[i][j];
                    sumAbsG += Math.abs(up[i][j]);
                    sumUpBound += upBound[i][j];
                }
                for (int j = 0; j < classes; j++) {
                    bound[i * classes + j] = Torch.logSoftmaxGrad(classes, Math.exp(logp[i][j]), sumG, sumAbsG,
                            expectedGrad[i * classes + j], logpBound[i][j], upBound[i][j], sumUpBound);
                }
            }
            return bound;
        }

        private static double[] flatten(double[][] m) {
            return java.util.Arrays.stream(m).flatMapToDouble(java.util.Arrays::stream).toArray();
        }
    }
}
