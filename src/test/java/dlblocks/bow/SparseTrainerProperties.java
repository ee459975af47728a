package dlblocks.bow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dlblocks.autograd.NoGrad;
import dlblocks.loss.Losses;
import dlblocks.optim.Optimizer;
import dlblocks.random.Generator;
import dlblocks.spec.Spec;
import dlblocks.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The sparse fast path is the dense reference path, bit for bit: {@link SparseTrainer} claims to perform
 * the very float32 operations of {@code model.forward} on stacked dense BoW vectors, mean NLLLoss,
 * {@code backward()} and {@code optimizer.step()}, skipping only exact no-ops (adding 0·w, updating a
 * weight whose gradient is 0). These properties hold it to that claim over random vocabularies
 * (1..50 words), label counts (2..6), batches (1..9 rows, repeated words, empty rows, repeated rows),
 * learning rates and seeds; every comparison is of float bits, no tolerance.
 *
 * <p>Each example is built from a seed that QuickTheories generates, so a failure prints the seed and
 * sizes that reproduce it.
 */
class SparseTrainerProperties {

    /** Random sentences over the words w0..w{V+unknown−1} (the vocabulary holds only w0..w{V−1}), and labels. */
    record Data(List<List<String>> sentences, Vocabulary vocabulary, int[] labels) {
    }

    static String word(int i) {
        return "w" + i;
    }

    static Vocabulary vocabulary(int vocabSize) {
        Vocabulary v = new Vocabulary();
        for (int i = 0; i < vocabSize; i++) {
            v.add(word(i));
        }
        return v;
    }

    /**
     * {@code rows} sentences of 0..8 words; a word repeats the previous one with probability 1/3, so
     * counts above 1 are common; with {@code unknown > 0} some words lie outside the vocabulary.
     */
    static Data data(SplittableRandom rnd, int vocabSize, int classes, int rows, int unknown) {
        List<List<String>> sentences = new ArrayList<>();
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            int length = rnd.nextInt(9);
            List<String> s = new ArrayList<>();
            for (int i = 0; i < length; i++) {
                boolean repeat = !s.isEmpty() && rnd.nextInt(3) == 0;
                s.add(repeat ? s.get(s.size() - 1) : word(rnd.nextInt(vocabSize + unknown)));
            }
            sentences.add(s);
            labels[r] = rnd.nextInt(classes);
        }
        return new Data(sentences, vocabulary(vocabSize), labels);
    }

    /** The batches of a trajectory, concatenated: {@code order[bounds[i]..bounds[i+1])} is batch i. */
    record Batches(int[] order, int[] bounds) {
        int count() {
            return bounds.length - 1;
        }

        int[] rows(int i) {
            return Arrays.copyOfRange(order, bounds[i], bounds[i + 1]);
        }
    }

    /** {@code steps} batches of 1..9 rows drawn with replacement (a row may occur twice in one batch). */
    static Batches batches(SplittableRandom rnd, int rows, int steps) {
        int[] bounds = new int[steps + 1];
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            int n = 1 + rnd.nextInt(9);
            for (int k = 0; k < n; k++) {
                order.add(rnd.nextInt(rows));
            }
            bounds[i + 1] = order.size();
        }
        return new Batches(order.stream().mapToInt(Integer::intValue).toArray(), bounds);
    }

    static void assertSameBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                fail(what + ": element " + i + " of " + expected.length + ": dense " + expected[i] + " ("
                        + Integer.toHexString(Float.floatToRawIntBits(expected[i])) + "), sparse " + actual[i] + " ("
                        + Integer.toHexString(Float.floatToRawIntBits(actual[i])) + ")");
            }
        }
    }

    static void assertSameParameters(BoWClassifier dense, BoWClassifier sparse, String when) {
        assertSameBits(dense.linear.weight.toFloatArray(), sparse.linear.weight.toFloatArray(), when + ", weight");
        assertSameBits(dense.linear.bias.toFloatArray(), sparse.linear.bias.toFloatArray(), when + ", bias");
    }

    // ------------------------------------------------------------------------------------------- forward

    @Test
    @Spec("SPARSE-FORWARD-EQUALS-DENSE")
    void sparseLogProbsEqualTheDenseForwardBitForBit() {
        qt().withExamples(300)
                .forAll(integers().between(1, 50), integers().between(2, 6), integers().between(1, 9), longs().all())
                .checkAssert((vocabSize, classes, rows, seed) -> {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    Data d = data(rnd, vocabSize, classes, rows, 0);
                    BoWClassifier model = new BoWClassifier(classes, vocabSize, new Generator(seed));
                    // Scale the weights by 1, 16 or 256 too, so that logits spread widely and small
                    // probabilities underflow in exp: the max shift and the log-sum must still agree.
                    float scale = new float[] {1f, 16f, 256f}[rnd.nextInt(3)];
                    try (NoGrad g = new NoGrad()) {
                        model.linear.weight.mul_(scale);
                    }
                    SparseBatch x = SparseBatch.of(d.sentences(), d.vocabulary(), UnknownWords.ERROR);
                    float[] dense;
                    try (NoGrad g = new NoGrad()) {
                        dense = model.forward(x.toDense()).toFloatArray();
                    }
                    Tensor sparse = SparseTrainer.logProbs(model, x);
                    assertEquals(List.of(rows, classes), List.of(sparse.size(0), sparse.size(1)), "shape");
                    assertSameBits(dense, sparse.toFloatArray(), "log-probabilities (scale " + scale + ")");
                });
    }

    // ------------------------------------------------------------------------------------ trajectories

    /**
     * Trains two identical models over the same batches, one by {@link SparseTrainer#step}, the other by
     * the dense reference loop with {@code SparseTrainer.create(algorithm, model, lr)}; after every step
     * the parameters and the batch loss must agree bit for bit.
     */
    static void assertTrajectoriesAgree(SparseTrainer.Algorithm algorithm, int vocabSize, int classes, long seed,
                                        double lr) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int rows = 1 + rnd.nextInt(12);
        Data d = data(rnd, vocabSize, classes, rows, 0);
        Batches b = batches(rnd, rows, 2 + rnd.nextInt(5));
        SparseBatch x = SparseBatch.of(d.sentences(), d.vocabulary(), UnknownWords.ERROR);

        BoWClassifier denseModel = new BoWClassifier(classes, vocabSize, new Generator(seed));
        BoWClassifier sparseModel = new BoWClassifier(classes, vocabSize, new Generator(seed));
        assertSameParameters(denseModel, sparseModel, "at initialisation");
        Optimizer optimizer = SparseTrainer.create(algorithm, denseModel, lr);
        SparseTrainer trainer = new SparseTrainer(sparseModel, algorithm, lr);

        for (int step = 0; step < b.count(); step++) {
            int[] batch = b.rows(step);
            long[] targets = new long[batch.length];
            for (int i = 0; i < batch.length; i++) {
                targets[i] = d.labels()[batch[i]];
            }
            optimizer.zeroGrad();
            Tensor loss = Losses.nllLoss(denseModel.forward(x.toDense(batch)), Tensor.longs(targets));
            loss.backward();
            optimizer.step();

            float sparseLoss = trainer.step(x, d.labels(), b.order(), b.bounds()[step], b.bounds()[step + 1]);
            trainer.syncModel();

            String when = algorithm + " lr " + lr + ", after step " + (step + 1) + " of " + b.count() + " (batch "
                    + Arrays.toString(batch) + ")";
            float denseLoss = (float) loss.item();
            assertEquals(Float.floatToIntBits(denseLoss), Float.floatToIntBits(sparseLoss),
                    when + ": batch loss, dense " + denseLoss + " sparse " + sparseLoss);
            assertSameParameters(denseModel, sparseModel, when);
            assertTrue(allFinite(sparseModel), when + ": parameters stay finite (the claim covers finite ones)");
        }
        // The trained models also predict alike.
        try (NoGrad g = new NoGrad()) {
            assertSameBits(denseModel.forward(x.toDense()).toFloatArray(), SparseTrainer.logProbs(sparseModel, x)
                    .toFloatArray(), algorithm + ": log-probabilities after training");
        }
    }

    static boolean allFinite(BoWClassifier m) {
        for (float v : m.linear.weight.toFloatArray()) if (!Float.isFinite(v)) return false;
        for (float v : m.linear.bias.toFloatArray()) if (!Float.isFinite(v)) return false;
        return true;
    }

    @Test
    @Spec({"SPARSE-SGD-TRAJECTORY-EQUALS-DENSE", "SPARSE-LOSS-EQUALS-DENSE"})
    void sgdTrajectoryOfTheSparseTrainerIsTheDenseOneBitForBit() {
        qt().withExamples(200)
                .forAll(integers().between(1, 50), integers().between(2, 6), longs().all(), doubles().between(1e-3, 2.0))
                .checkAssert((vocabSize, classes, seed, lr) ->
                        assertTrajectoriesAgree(SparseTrainer.Algorithm.SGD, vocabSize, classes, seed, lr));
    }

    @Test
    @Spec({"SPARSE-ADAGRAD-TRAJECTORY-EQUALS-DENSE", "SPARSE-LOSS-EQUALS-DENSE"})
    void adagradTrajectoryOfTheSparseTrainerIsTheDenseOneBitForBit() {
        qt().withExamples(200)
                .forAll(integers().between(1, 50), integers().between(2, 6), longs().all(), doubles().between(1e-3, 2.0))
                .checkAssert((vocabSize, classes, seed, lr) ->
                        assertTrajectoriesAgree(SparseTrainer.Algorithm.ADAGRAD, vocabSize, classes, seed, lr));
    }

    @Test
    @Spec({"SPARSE-FALLBACK-EQUALS-DENSE", "SPARSE-LOSS-EQUALS-DENSE"})
    void adamTrajectoryOfTheSparseTrainersDenseFallbackIsTheDenseOneBitForBit() {
        qt().withExamples(100)
                .forAll(integers().between(1, 50), integers().between(2, 6), longs().all(), doubles().between(1e-4, 0.5))
                .checkAssert((vocabSize, classes, seed, lr) ->
                        assertTrajectoriesAgree(SparseTrainer.Algorithm.ADAM, vocabSize, classes, seed, lr));
    }

    @Test
    @Spec({"SPARSE-FALLBACK-EQUALS-DENSE", "SPARSE-LOSS-EQUALS-DENSE"})
    void rmspropTrajectoryOfTheSparseTrainersDenseFallbackIsTheDenseOneBitForBit() {
        qt().withExamples(100)
                .forAll(integers().between(1, 50), integers().between(2, 6), longs().all(), doubles().between(1e-4, 0.5))
                .checkAssert((vocabSize, classes, seed, lr) ->
                        assertTrajectoriesAgree(SparseTrainer.Algorithm.RMSPROP, vocabSize, classes, seed, lr));
    }

    // ---------------------------------------------------------------------------------- SparseBatch

    @Test
    @Spec("SPARSE-BATCH-ROW-IS-THE-BOW-VECTOR")
    void eachSparseRowIsTheTutorialsBowVectorOfItsSentence() {
        qt().withExamples(300)
                .forAll(integers().between(1, 50), integers().between(1, 9), integers().between(0, 5), longs().all())
                .checkAssert((vocabSize, rows, unknown, seed) -> {
                    Data d = data(new SplittableRandom(seed), vocabSize, 2, rows, unknown);
                    SparseBatch x = SparseBatch.of(d.sentences(), d.vocabulary(), UnknownWords.SKIP);
                    assertEquals(rows, x.rows(), "rows");
                    assertEquals(vocabSize, x.vocabSize(), "vocabulary size");
                    float[] all = x.toDense().toFloatArray();
                    for (int r = 0; r < rows; r++) {
                        List<String> sentence = d.sentences().get(r);
                        float[] bow = BagOfWords.makeBowVector(sentence, d.vocabulary(), UnknownWords.SKIP).toFloatArray();
                        assertSameBits(bow, x.toDense(new int[] {r}).toFloatArray(), "row " + r + " " + sentence);
                        assertSameBits(bow, Arrays.copyOfRange(all, r * vocabSize, (r + 1) * vocabSize),
                                "row " + r + " of toDense()");
                        for (int k = x.rowStart(r); k < x.rowEnd(r); k++) {
                            assertTrue(x.count(k) > 0, "row " + r + ": stored counts are positive");
                            assertTrue(k == x.rowStart(r) || x.id(k - 1) < x.id(k), "row " + r + ": ids ascend");
                        }
                    }
                });
    }

    @Test
    @Spec("SPARSE-BATCH-COUNTS-UNKNOWN-WORDS")
    void sparseBatchCountsTheUnknownWordsItSkipsAndOtherwiseNamesTheFirst() {
        qt().withExamples(300)
                .forAll(integers().between(1, 50), integers().between(1, 9), integers().between(0, 5), longs().all())
                .checkAssert((vocabSize, rows, unknown, seed) -> {
                    Data d = data(new SplittableRandom(seed), vocabSize, 2, rows, unknown);
                    int unknownTokens = 0;
                    String firstUnknown = null;
                    for (List<String> s : d.sentences()) {
                        for (String w : s) {
                            if (Integer.parseInt(w.substring(1)) >= vocabSize) {
                                unknownTokens++;
                                if (firstUnknown == null) firstUnknown = w;
                            }
                        }
                    }
                    assertEquals(unknownTokens,
                            SparseBatch.of(d.sentences(), d.vocabulary(), UnknownWords.SKIP).unknownWords());
                    if (firstUnknown == null) {
                        assertEquals(0, SparseBatch.of(d.sentences(), d.vocabulary(), UnknownWords.ERROR).unknownWords());
                    } else {
                        UnknownWordException e = assertThrows(UnknownWordException.class,
                                () -> SparseBatch.of(d.sentences(), d.vocabulary(), UnknownWords.ERROR));
                        assertEquals(firstUnknown, e.word());
                    }
                });
    }
}
