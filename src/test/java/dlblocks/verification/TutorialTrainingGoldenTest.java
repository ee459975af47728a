package dlblocks.verification;

import static dlblocks.Tolerances.f32SumBound;
import static dlblocks.verification.TorchGolden.list;
import static dlblocks.verification.TorchGolden.load;
import static dlblocks.verification.TorchGolden.map;
import static dlblocks.verification.TorchGolden.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dlblocks.Tolerances.Torch;
import dlblocks.affine.Linear;
import dlblocks.autograd.NoGrad;
import dlblocks.bow.BagOfWords;
import dlblocks.bow.BoWClassifier;
import dlblocks.bow.Example;
import dlblocks.bow.Tutorial;
import dlblocks.bow.Vocabulary;
import dlblocks.random.Generator;
import dlblocks.spec.Spec;
import dlblocks.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The tutorial's whole training run — its own code, seed 1, 100 epochs of SGD (lr 0.1) over the four
 * sentences — as PyTorch 1.13 ran it ({@code verification/golden/torch/tutorial_training.json}), against
 * dlblocks' {@link Tutorial#train}: the same initial parameters bit for bit, the parameters after every epoch
 * within {@link Torch#trajectory} (400 steps at the end), the test sentences' log-probabilities before and
 * after training within the bounds those parameter differences imply, and the printed log-probabilities
 * and "creo" columns character for character.
 */
class TutorialTrainingGoldenTest {
    static final Map<String, Object> FILE = load("tutorial_training.json");
    static final Vocabulary WORDS = Tutorial.wordToIx();

    /** The run, once: the model before training, and its parameters after each epoch. */
    static final class Run {
        final BoWClassifier model;
        final double[][] weights = new double[100][];
        final double[][] biases = new double[100][];
        final List<String> printedBefore = new ArrayList<>();
        final List<String> printedAfter = new ArrayList<>();
        final List<double[]> before = new ArrayList<>();
        final List<double[]> after = new ArrayList<>();
        final double[] initialWeight;
        final double[] initialBias;

        Run() {
            // The tutorial's draws from the seeded generator, in order: Linear(5, 3), randn(2, 5),
            // randn(2, 2), randn(5), then the classifier's Linear(26, 2).
            Generator g = new Generator(1);
            new Linear(5, 3, true, g);
            Tensor.randn(g, 2, 5);
            Tensor.randn(g, 2, 2);
            Tensor.randn(g, 5);
            model = new BoWClassifier(2, WORDS.size(), g);
            initialWeight = model.linear.weight.toDoubleArray();
            initialBias = model.linear.bias.toDoubleArray();
            testSentences(printedBefore, before);
            for (int epoch = 0; epoch < 100; epoch++) {
                Tutorial.train(model, Tutorial.DATA, WORDS, Tutorial.labelToIx(), 1, 0.1); // SGD keeps no state
                weights[epoch] = model.linear.weight.toDoubleArray();
                biases[epoch] = model.linear.bias.toDoubleArray();
            }
            testSentences(printedAfter, after);
        }

        private void testSentences(List<String> printed, List<double[]> values) {
            try (NoGrad scope = new NoGrad()) {
                for (Example e : Tutorial.TEST_DATA) {
                    Tensor logProbs = model.forward(BagOfWords.makeBowVector(e.words(), WORDS));
                    printed.add(logProbs.toString());
                    values.add(logProbs.toDoubleArray());
                }
            }
            printed.add(model.parameters().get(0).select(1, WORDS.indexOf("creo")).toString());
        }
    }

    static final Run RUN = new Run();

    @AfterAll
    static void printSummary() {
        System.out.print(Agreement.summary("tutorial/"));
        System.out.printf("tutorial/SGD max |Δθ|/(t·u·‖θ‖): %.3f (bound %d)%n", worstPerStep, Torch.TRAJECTORY_K);
    }

    @Spec("TORCH-TUTORIAL-TRAINING-AGREES")
    @TestFactory
    Stream<DynamicTest> theTutorialsTrainingRunAgreesWithTorchs() {
        return Stream.of(
                dynamicTest("vocabulary", this::vocabulary),
                dynamicTest("initial parameters", this::initialParameters),
                dynamicTest("log-probabilities before training", () -> logProbs("test_log_probs_before",
                        RUN.initialWeight, RUN.initialBias, RUN.before, 0)),
                dynamicTest("parameters after every epoch", this::everyEpoch),
                dynamicTest("log-probabilities after training", () -> logProbs("test_log_probs_after",
                        RUN.weights[99], RUN.biases[99], RUN.after, 100)),
                dynamicTest("printed log-probabilities and creo columns", this::printed),
                dynamicTest("the recorded output is the tutorial's", this::stdout));
    }

    void vocabulary() {
        Map<String, Object> expected = map(FILE.get("word_to_ix"));
        assertEquals(expected.size(), WORDS.size(), "vocabulary size");
        expected.forEach((word, index) -> assertEquals(((Number) index).intValue(), WORDS.indexOf(word), word));
    }

    void initialParameters() {
        Map<String, Object> init = map(FILE.get("initial"));
        Agreement.exact("tutorial/initial parameters", "BoWClassifier", "seed 1", "weight", map(init.get("weight")),
                Tensor.fromDoubles(dlblocks.tensor.DType.FLOAT32, RUN.initialWeight, 2, 26));
        Agreement.exact("tutorial/initial parameters", "BoWClassifier", "seed 1", "bias", map(init.get("bias")),
                Tensor.fromDoubles(dlblocks.tensor.DType.FLOAT32, RUN.initialBias, 2));
    }

    static double worstPerStep;

    void everyEpoch() {
        List<Object> epochs = list(FILE.get("epochs"));
        assertEquals(100, epochs.size(), "epochs recorded");
        for (int e = 0; e < 100; e++) {
            Map<String, Object> epoch = map(epochs.get(e));
            double[] w = values(map(epoch.get("weight")));
            double[] b = values(map(epoch.get("bias")));
            int steps = 4 * (e + 1);
            double bound = Torch.trajectory(steps, TorchOptimGoldenTest.scale(w, b));
            Agreement.within("tutorial/parameters (SGD trajectory)", "SGD", "epoch " + (e + 1), "weight",
                    new int[] {2, 26}, w, RUN.weights[e], TorchOptimGoldenTest.fill(w.length, bound), false);
            Agreement.within("tutorial/parameters (SGD trajectory)", "SGD", "epoch " + (e + 1), "bias",
                    new int[] {2}, b, RUN.biases[e], TorchOptimGoldenTest.fill(b.length, bound), false);
            worstPerStep = Math.max(worstPerStep, TorchOptimGoldenTest.maxDiff(w, RUN.weights[e], b, RUN.biases[e])
                    / (steps * Torch.gamma(1) * TorchOptimGoldenTest.scale(w, b)));
        }
        Map<String, Object> fin = map(FILE.get("final"));
        assertEquals(Arrays.toString(values(map(fin.get("weight")))),
                Arrays.toString(values(map(map(epochs.get(99)).get("weight")))), "final = epoch 100 in the file");
    }

    /**
     * Each test sentence's log-probabilities: logits zₒ = Σₖ vₖ·Wₒₖ + bₒ (v the BoW counts) differ by at most
     * Σₖ vₖ·|ΔWₒₖ| + |Δbₒ| from the parameters' measured difference, plus both plain loops' rounding
     * (f32SumBound(V + 1, Σ|vW| + |b|)); log-softmax is 2-Lipschitz in the max norm (zᵢ − log Σ exp zⱼ) and
     * adds its own {@link Torch#logSoftmax} bound.
     */
    void logProbs(String key, double[] w, double[] b, List<double[]> actual, int epochs) {
        double[] tw = epochs == 0 ? values(map(map(FILE.get("initial")).get("weight")))
                : values(map(map(FILE.get("final")).get("weight")));
        double[] tb = epochs == 0 ? values(map(map(FILE.get("initial")).get("bias")))
                : values(map(map(FILE.get("final")).get("bias")));
        List<Object> expected = list(FILE.get(key));
        for (int s = 0; s < Tutorial.TEST_DATA.size(); s++) {
            double[] v = BagOfWords.makeBowVector(Tutorial.TEST_DATA.get(s).words(), WORDS).toDoubleArray();
            double[] e = values(map(expected.get(s)));
            double maxDz = 0;
            double[] z = new double[2];
            for (int o = 0; o < 2; o++) {
                double dz = Math.abs(b[o] - tb[o]);
                double mag = Math.abs(tb[o]);
                z[o] = tb[o];
                for (int k = 0; k < v.length; k++) {
                    dz += v[k] * Math.abs(w[o * v.length + k] - tw[o * v.length + k]);
                    mag += Math.abs(v[k] * tw[o * v.length + k]);
                    z[o] += v[k] * tw[o * v.length + k];
                }
                maxDz = Math.max(maxDz, dz + f32SumBound(v.length + 1, mag));
            }
            double m = Math.max(z[0], z[1]);
            double logSum = Math.log(Math.exp(z[0] - m) + Math.exp(z[1] - m));
            double[] bound = new double[2];
            for (int o = 0; o < 2; o++) {
                bound[o] = 2 * maxDz + Torch.logSoftmax(2, logSum, e[o]);
            }
            Agreement.within("tutorial/test log-probabilities", "BoWClassifier", key, "sentence " + s,
                    new int[] {1, 2}, e, actual.get(s), bound, false);
        }
    }

    /** The generator ran the tutorial's own code: its output is the reference output, character for character. */
    void stdout() throws java.io.IOException {
        java.nio.file.Path reference = TorchGolden.dir().getParent().getParent().resolve("tutorial-stdout.txt");
        assertEquals(java.nio.file.Files.readString(reference), FILE.get("stdout"));
    }

    /** The last six printed lines of the tutorial: before and after training, two log-prob rows and creo. */
    void printed() {
        String[] lines = ((String) FILE.get("stdout")).split("\n");
        List<String> expected = Arrays.asList(lines).subList(lines.length - 6, lines.length);
        List<String> actual = new ArrayList<>(RUN.printedBefore);
        actual.addAll(RUN.printedAfter);
        assertEquals(expected, actual, "the tutorial's printed test log-probabilities and creo columns");
    }
}
