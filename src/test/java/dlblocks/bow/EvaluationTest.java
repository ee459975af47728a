package dlblocks.bow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dlblocks.spec.Spec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Evaluation} on a confusion matrix made by hand. Its counts are chosen so that every precision
 * and recall is a power of two over a power of two (exact in binary), hence each F1 = 2PR/(P+R) is a
 * single correctly rounded division and can be compared exactly with the fraction written out.
 */
class EvaluationTest {
    static final List<String> LABELS = List.of("A", "B", "C", "D");

    /**
     * rows: true label, columns: predicted. A: 8 examples, 2 right; B: 4, 2 right; C: 2, none right;
     * D never occurs and is never predicted.
     */
    static final long[][] CONFUSION = {
        {2, 4, 2, 0},
        {2, 2, 0, 0},
        {0, 2, 0, 0},
        {0, 0, 0, 0},
    };

    @Test
    @Spec("EVALUATION-METRICS")
    void precisionRecallF1AndAccuracyOfAHandMadeConfusionMatrix() {
        Evaluation e = new Evaluation(LABELS, CONFUSION);
        assertEquals(14, e.total());
        assertEquals(2.0 / 7, e.accuracy(), "4 right of 14");
        // A: predicted as A 4 times (2 right), is A 8 times.
        assertEquals(0.5, e.precision(0));
        assertEquals(0.25, e.recall(0));
        assertEquals(1.0 / 3, e.f1(0), "2·(1/2)(1/4) / (3/4)");
        // B: predicted as B 8 times (2 right), is B 4 times.
        assertEquals(0.25, e.precision(1));
        assertEquals(0.5, e.recall(1));
        assertEquals(1.0 / 3, e.f1(1));
        // C: predicted as C twice, never right; is C twice: P = R = 0, and F1 = 0 (not 0/0).
        assertEquals(0.0, e.precision(2));
        assertEquals(0.0, e.recall(2));
        assertEquals(0.0, e.f1(2));
    }

    @Test
    @Spec("EVALUATION-METRICS")
    void metricsThatAreZeroOverZeroAreNaN() {
        Evaluation e = new Evaluation(LABELS, CONFUSION);
        assertTrue(Double.isNaN(e.precision(3)), "D is never predicted");
        assertTrue(Double.isNaN(e.recall(3)), "D never occurs");
        assertTrue(Double.isNaN(e.f1(3)));
        Evaluation empty = Evaluation.of(LABELS, new int[0], new int[0]);
        assertEquals(0, empty.total());
        assertTrue(Double.isNaN(empty.accuracy()), "accuracy of no examples");
    }

    @Test
    @Spec("EVALUATION-METRICS")
    void f1IsZeroWhenTheLabelOccursOrIsPredictedButNeverRightEvenWhereOneOfPAndRIsUndefined() {
        // F1 = 2tp / (2tp + fp + fn): defined whenever the label occurs or is predicted.
        // X occurs twice and is never predicted: P = 0/0 is undefined, R = 0, F1 = 0/(0 + 0 + 2) = 0.
        // Y never occurs and is predicted twice: P = 0, R = 0/0 is undefined, F1 = 0/(0 + 2 + 0) = 0.
        Evaluation e = new Evaluation(List.of("X", "Y", "Z"), new long[][] {{0, 2, 0}, {0, 0, 0}, {0, 0, 3}});
        assertTrue(Double.isNaN(e.precision(0)));
        assertEquals(0.0, e.recall(0));
        assertEquals(0.0, e.f1(0), "X: occurs, never predicted");
        assertEquals(0.0, e.precision(1));
        assertTrue(Double.isNaN(e.recall(1)));
        assertEquals(0.0, e.f1(1), "Y: predicted, never occurs");
        assertEquals(1.0, e.f1(2), "Z: always right");
    }

    @Test
    @Spec("EVALUATION-METRICS")
    void ofTalliesTruthAgainstPrediction() {
        int[] truth = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2};
        int[] predicted = {0, 0, 1, 1, 1, 1, 2, 2, 0, 0, 1, 1, 1, 1};
        Evaluation e = Evaluation.of(LABELS, truth, predicted);
        assertEquals(LABELS, e.labels());
        for (int t = 0; t < LABELS.size(); t++) {
            assertArrayEquals(CONFUSION[t], e.confusion()[t], "row " + LABELS.get(t));
        }
    }

    @Test
    @Spec("EVALUATION-METRICS")
    void accuracyPrecisionAndRecallAreTheCountedFractions() {
        qt().forAll(integers().between(1, 6), integers().between(1, 60), longs().all()).checkAssert((k, n, seed) -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            int[] truth = new int[n];
            int[] predicted = new int[n];
            int right = 0;
            for (int i = 0; i < n; i++) {
                truth[i] = rnd.nextInt(k);
                predicted[i] = rnd.nextInt(k);
                if (truth[i] == predicted[i]) right++;
            }
            List<String> labels = List.of("a", "b", "c", "d", "e", "f").subList(0, k);
            Evaluation e = Evaluation.of(labels, truth, predicted);
            assertEquals((long) n, e.total());
            assertEquals((double) right / n, e.accuracy());
            for (int c = 0; c < k; c++) {
                long tp = 0;
                long predictedAsC = 0;
                long isC = 0;
                for (int i = 0; i < n; i++) {
                    if (truth[i] == c && predicted[i] == c) tp++;
                    if (predicted[i] == c) predictedAsC++;
                    if (truth[i] == c) isC++;
                }
                assertEquals((double) tp / predictedAsC, e.precision(c), "precision of " + labels.get(c));
                assertEquals((double) tp / isC, e.recall(c), "recall of " + labels.get(c));
            }
        });
    }
}
