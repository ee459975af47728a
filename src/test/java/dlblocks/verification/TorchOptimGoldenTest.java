package dlblocks.verification;

import static dlblocks.Tolerances.f32SumBound;
import static dlblocks.verification.TorchGolden.cases;
import static dlblocks.verification.TorchGolden.list;
import static dlblocks.verification.TorchGolden.load;
import static dlblocks.verification.TorchGolden.map;
import static dlblocks.verification.TorchGolden.num;
import static dlblocks.verification.TorchGolden.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dlblocks.Tolerances.Torch;
import dlblocks.affine.Linear;
import dlblocks.autograd.NoGrad;
import dlblocks.loss.NLLLoss;
import dlblocks.optim.Adagrad;
import dlblocks.optim.Adam;
import dlblocks.optim.Optimizer;
import dlblocks.optim.RMSprop;
import dlblocks.optim.SGD;
import dlblocks.random.Generator;
import dlblocks.softmax.Softmax;
import dlblocks.spec.Spec;
import dlblocks.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * 20-step trajectories of SGD, Adam, RMSprop and Adagrad with every option, as PyTorch 1.13 ran them
 * ({@code verification/golden/torch/optim.json}) on {@code nn.Linear(4, 3)} (seed 0) → log_softmax →
 * NLLLoss over a fixed batch of 6. dlblocks builds the same model from its own {@link Generator} and runs the
 * same loop. Two checks per optimiser: the free-running trajectory stays within
 * {@link Torch#trajectory} (error growing at most linearly with the step count), and, at every point of
 * torch's own trajectory, dlblocks' loss and gradients agree within the composed op bounds.
 */
class TorchOptimGoldenTest {
    static final Map<String, Object> FILE = load("optim.json");

    @AfterAll
    static void printSummary() {
        System.out.print(Agreement.summary("optim/"));
    }

    @Spec("TORCH-OPTIM-TRAJECTORIES-AGREE")
    @TestFactory
    Stream<DynamicTest> everyOptimiserFollowsTorchsTrajectoryToRounding() {
        List<Map<String, Object>> all = cases(FILE);
        assertEquals(25, all.size(), "optim.json: optimiser configurations");
        return all.stream().map(c -> dynamicTest((String) c.get("id"), () -> trajectory(c)));
    }

    @Spec("TORCH-OPTIM-GRADIENTS-AGREE")
    @TestFactory
    Stream<DynamicTest> lossAndGradientsAgreeAtEveryPointOfTorchsTrajectory() {
        return cases(FILE).stream().map(c -> dynamicTest((String) c.get("id"), () -> gradientsAlongTorchsTrajectory(c)));
    }

    // ------------------------------------------------------------------------------------------ the model

    static Tensor batch() {
        return TorchGolden.tensor(map(FILE.get("batch")));
    }

    static Tensor target() {
        return TorchGolden.tensor(map(FILE.get("target")));
    }

    /** nn.Linear(4, 3) after torch.manual_seed(0), from dlblocks' generator; checked bit for bit against torch's. */
    static Linear model(String id) {
        Linear lin = new Linear(4, 3, true, new Generator(((Number) map(FILE.get("model")).get("seed")).longValue()));
        Map<String, Object> init = map(FILE.get("model"));
        Agreement.exact("optim/initial parameters", "nn.Linear(4, 3)", id, "weight", map(init.get("weight")), lin.weight);
        Agreement.exact("optim/initial parameters", "nn.Linear(4, 3)", id, "bias", map(init.get("bias")), lin.bias);
        return lin;
    }

    static Tensor loss(Linear lin) {
        return new NLLLoss().forward(Softmax.logSoftmax(lin.forward(batch()), 1), target());
    }

    static Optimizer optimizer(String kind, Map<String, Object> o, List<? extends Tensor> params) {
        switch (kind) {
            case "SGD": {
                SGD.Options x = new SGD.Options().lr(num(o.get("lr")));
                if (o.containsKey("momentum")) x.momentum(num(o.get("momentum")));
                if (o.containsKey("dampening")) x.dampening(num(o.get("dampening")));
                if (o.containsKey("weight_decay")) x.weightDecay(num(o.get("weight_decay")));
                if (o.containsKey("nesterov")) x.nesterov((Boolean) o.get("nesterov"));
                return new SGD(params, x);
            }
            case "Adam": {
                Adam.Options x = new Adam.Options();
                if (o.containsKey("lr")) x.lr(num(o.get("lr")));
                if (o.containsKey("betas")) x.betas(num(list(o.get("betas")).get(0)), num(list(o.get("betas")).get(1)));
                if (o.containsKey("eps")) x.eps(num(o.get("eps")));
                if (o.containsKey("weight_decay")) x.weightDecay(num(o.get("weight_decay")));
                if (o.containsKey("amsgrad")) x.amsgrad((Boolean) o.get("amsgrad"));
                return new Adam(params, x);
            }
            case "RMSprop": {
                RMSprop.Options x = new RMSprop.Options();
                if (o.containsKey("lr")) x.lr(num(o.get("lr")));
                if (o.containsKey("alpha")) x.alpha(num(o.get("alpha")));
                if (o.containsKey("eps")) x.eps(num(o.get("eps")));
                if (o.containsKey("weight_decay")) x.weightDecay(num(o.get("weight_decay")));
                if (o.containsKey("momentum")) x.momentum(num(o.get("momentum")));
                if (o.containsKey("centered")) x.centered((Boolean) o.get("centered"));
                return new RMSprop(params, x);
            }
            case "Adagrad": {
                Adagrad.Options x = new Adagrad.Options();
                if (o.containsKey("lr")) x.lr(num(o.get("lr")));
                if (o.containsKey("lr_decay")) x.lrDecay(num(o.get("lr_decay")));
                if (o.containsKey("eps")) x.eps(num(o.get("eps")));
                if (o.containsKey("weight_decay")) x.weightDecay(num(o.get("weight_decay")));
                if (o.containsKey("initial_accumulator_value")) {
                    x.initialAccumulatorValue(num(o.get("initial_accumulator_value")));
                }
                return new Adagrad(params, x);
            }
            default:
                throw new IllegalArgumentException("unknown optimiser " + kind);
        }
    }

    // ------------------------------------------------------------------------------------------ trajectories

    /** The largest |θ| over weight and bias: the trajectory bound's scale. */
    static double scale(double[] w, double[] b) {
        double s = 0;
        for (double v : w) s = Math.max(s, Math.abs(v));
        for (double v : b) s = Math.max(s, Math.abs(v));
        return s;
    }

    static void trajectory(Map<String, Object> c) {
        String id = (String) c.get("id");
        String kind = (String) c.get("optimizer");
        Linear lin = model(id);
        Optimizer opt = optimizer(kind, map(c.get("options")), lin.parameters());
        List<Object> steps = list(c.get("steps"));
        assertEquals(20, steps.size(), id + ": steps");
        double worstPerStep = 0;
        Map<String, Object> init = map(FILE.get("model"));
        double[] previous = concat(values(map(init.get("weight"))), values(map(init.get("bias"))));
        for (int s = 1; s <= steps.size(); s++) {
            Map<String, Object> step = map(steps.get(s - 1));
            opt.zeroGrad();
            loss(lin).backward();
            opt.step();
            double[] w = values(map(step.get("weight")));
            double[] b = values(map(step.get("bias")));
            double bound = Torch.trajectory(s, scale(w, b));
            // The bound's premise: torch's own update per step is no larger than the parameters.
            double[] now = concat(w, b);
            double update = 0;
            for (int i = 0; i < now.length; i++) {
                update = Math.max(update, Math.abs(now[i] - previous[i]));
            }
            assertTrue(update <= scale(w, b), id + ": torch's step " + s + " moved θ by " + update
                    + ", more than ‖θ‖∞ = " + scale(w, b) + " (Tolerances.Torch.TRAJECTORY_K assumes it does not)");
            previous = now;
            String what = "after step " + s;
            Agreement.within("optim/" + kind + " trajectory", kind, id, "weight " + what,
                    new int[] {3, 4}, w, lin.weight.toDoubleArray(), fill(w.length, bound), false);
            Agreement.within("optim/" + kind + " trajectory", kind, id, "bias " + what,
                    new int[] {3}, b, lin.bias.toDoubleArray(), fill(b.length, bound), false);
            worstPerStep = Math.max(worstPerStep,
                    maxDiff(w, lin.weight.toDoubleArray(), b, lin.bias.toDoubleArray()) / (s * Torch.gamma(1) * scale(w, b)));
        }
        recordPerStep(kind, worstPerStep);
    }

    static final Map<String, Double> PER_STEP = new java.util.TreeMap<>();

    static synchronized void recordPerStep(String kind, double v) {
        PER_STEP.merge("optim/" + kind + " max |Δθ|/(t·u·‖θ‖)", v, Math::max);
    }

    @AfterAll
    static void printPerStep() {
        PER_STEP.forEach((k, v) -> System.out.printf("%s: %.3f (bound %d)%n", k, v, Torch.TRAJECTORY_K));
    }

    static double maxDiff(double[] w, double[] aw, double[] b, double[] ab) {
        double m = 0;
        for (int i = 0; i < w.length; i++) m = Math.max(m, Math.abs(w[i] - aw[i]));
        for (int i = 0; i < b.length; i++) m = Math.max(m, Math.abs(b[i] - ab[i]));
        return m;
    }

    static double[] concat(double[] a, double[] b) {
        double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static double[] fill(int n, double v) {
        double[] out = new double[n];
        java.util.Arrays.fill(out, v);
        return out;
    }

    // ------------------------------------------------------------------------------------------ gradients

    /**
     * At step s, torch's parameters before the step (the initial ones, then those recorded after step s−1)
     * are loaded into dlblocks' model; its loss and gradients are compared with those torch recorded. The
     * logits are bit-identical (Linear's forward is); the bounds compose log_softmax's forward and backward
     * bounds (3 classes), NLLLoss's mean over 6 and the two sums over the batch of Linear's backward.
     */
    static void gradientsAlongTorchsTrajectory(Map<String, Object> c) {
        String id = (String) c.get("id");
        String kind = (String) c.get("optimizer");
        Map<String, Object> init = map(FILE.get("model"));
        double[] w = values(map(init.get("weight")));
        double[] b = values(map(init.get("bias")));
        List<Object> steps = list(c.get("steps"));
        for (int s = 1; s <= steps.size(); s++) {
            Map<String, Object> step = map(steps.get(s - 1));
            Linear lin = new Linear(4, 3, true, new Generator(0)); // its values are overwritten below
            try (NoGrad scope = new NoGrad()) {
                lin.weight.copy_(Tensor.fromDoubles(lin.weight.dtype(), w, 3, 4));
                lin.bias.copy_(Tensor.fromDoubles(lin.bias.dtype(), b, 3));
            }
            Tensor loss = loss(lin);
            loss.backward();
            GradientBounds bounds = new GradientBounds(w, b);
            Map<String, Object> grads = map(step.get("grads"));
            String what = " at step " + s;
            Agreement.within("optim/loss", kind, id, "loss" + what, new int[0], values(map(step.get("loss"))),
                    loss.toDoubleArray(), new double[] {bounds.loss}, false);
            Agreement.within("optim/gradients", kind, id, "weight grad" + what, new int[] {3, 4},
                    values(map(grads.get("weight"))), lin.weight.grad().toDoubleArray(), bounds.weight, false);
            Agreement.within("optim/gradients", kind, id, "bias grad" + what, new int[] {3},
                    values(map(grads.get("bias"))), lin.bias.grad().toDoubleArray(), bounds.bias, false);
            w = values(map(step.get("weight")));
            b = values(map(step.get("bias")));
        }
    }

    /** Bounds on |dlblocks − torch| for the loss and the gradients of the model at parameters (w, b). */
    static final class GradientBounds {
        final double loss;
        final double[] weight = new double[12];
        final double[] bias = new double[3];

        GradientBounds(double[] w, double[] b) {
            double[] x = values(map(FILE.get("batch")));
            double[] t = values(map(FILE.get("target")));
            int n = 6;
            int classes = 3;
            double lossSumAbs = 0;
            double lossDisc = 0;
            double meanLoss = 0;
            double[][] gi = new double[n][classes];
            double[][] gBound = new double[n][classes];
            for (int i = 0; i < n; i++) {
                double[] z = new double[classes];
                double m = Double.NEGATIVE_INFINITY;
                for (int o = 0; o < classes; o++) {
                    z[o] = b[o];
                    for (int k = 0; k < 4; k++) {
                        z[o] += x[i * 4 + k] * w[o * 4 + k];
                    }
                    m = Math.max(m, z[o]);
                }
                double s = 0;
                for (int o = 0; o < classes; o++) {
                    s += Math.exp(z[o] - m);
                }
                double logSum = Math.log(s);
                int yi = (int) t[i];
                double[] logp = new double[classes];
                double[] fwd = new double[classes];
                for (int o = 0; o < classes; o++) {
                    logp[o] = z[o] - m - logSum;
                    fwd[o] = Torch.logSoftmax(classes, logSum, logp[o]);
                }
                lossSumAbs += Math.abs(logp[yi]);
                lossDisc += fwd[yi];
                meanLoss -= logp[yi] / n;
                // NLLLoss's mean gradient: −1/6 at the target (W = 6 in both), then through log_softmax
                double up = -1.0 / n;
                double upBound = Torch.weightedMeanGrad(n, n, Math.abs(up));
                for (int o = 0; o < classes; o++) {
                    double p = Math.exp(logp[o]);
                    gi[i][o] = (o == yi ? up : 0) - p * up;
                    gBound[i][o] = Torch.logSoftmaxGrad(classes, p, up, Math.abs(up), gi[i][o], fwd[o],
                            o == yi ? upBound : 0, upBound);
                }
            }
            loss = Torch.weightedMean(n, 0, lossSumAbs, lossDisc, n, Math.abs(meanLoss));
            for (int o = 0; o < classes; o++) {
                double sumAbs = 0;
                double disc = 0;
                for (int i = 0; i < n; i++) {
                    sumAbs += Math.abs(gi[i][o]);
                    disc += gBound[i][o];
                }
                bias[o] = disc + f32SumBound(n, sumAbs);
                for (int k = 0; k < 4; k++) {
                    double terms = 0;
                    double d = 0;
                    for (int i = 0; i < n; i++) {
                        terms += Math.abs(gi[i][o] * x[i * 4 + k]);
                        d += gBound[i][o] * Math.abs(x[i * 4 + k]);
                    }
                    weight[o * 4 + k] = d + f32SumBound(n, terms);
                }
            }
            assertTrue(loss > 0, "loss bound");
        }
    }
}
