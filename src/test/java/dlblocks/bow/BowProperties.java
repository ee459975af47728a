package dlblocks.bow;

import static dlblocks.Generators.seeds;
import static dlblocks.Generators.sizes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dlblocks.Tolerances;
import dlblocks.autograd.NoGrad;
import dlblocks.module.Parameter;
import dlblocks.random.Generator;
import dlblocks.spec.Spec;
import dlblocks.tensor.DType;
import dlblocks.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The tutorial's logistic-regression bag-of-words classifier: the vocabulary, the count vector, the
 * target and the model log Softmax(Ax + b). Invariants in spec/bow.md. Sentences are drawn from a small
 * set of words (w0 … w11) so that words repeat; "unknown" words are u0 … u3, never in a vocabulary.
 */
class BowProperties {

    /** Sentences of 0..12 words over w0..w11, printed as lists of words. */
    private static Gen<List<String>> sentences() {
        return lists().of(integers().between(0, 11).map(i -> "w" + i)).ofSizeBetween(0, 12);
    }

    /** "The BoW vector for the sentence 'hello hello hello hello' is [4, 0]": entry i counts word i. */
    @Test
    @Spec("BOW-COUNTS")
    void eachEntryCountsTheOccurrencesOfItsWord() {
        qt().withExamples(300).forAll(sentences(), sentences()).checkAssert((sentence, more) -> {
            Vocabulary vocab = Vocabulary.build(List.of(more, sentence));
            float[] bow = BagOfWords.makeBowVector(sentence, vocab).toFloatArray();
            for (String word : vocab.words()) {
                assertEquals(Collections.frequency(sentence, word), bow[vocab.indexOf(word)], 0f, sentence + ": " + word);
            }
        });
    }

    /**
     * The entries add up to the number of words in the sentence that the vocabulary knows — every word
     * with the tutorial's strict lookup, the known ones when unknown words are skipped.
     */
    @Test
    @Spec("BOW-SUM-IS-KNOWN-WORDS")
    void theEntriesSumToTheNumberOfInVocabularyWords() {
        qt().withExamples(300).forAll(sentences(), sentences(), seeds()).checkAssert((sentence, vocabulary, seed) -> {
            Vocabulary vocab = Vocabulary.build(List.of(vocabulary));
            List<String> withUnknown = sprinkleUnknownWords(sentence, seed);
            long known = withUnknown.stream().filter(vocab::contains).count();
            float sum = 0;
            for (float v : BagOfWords.makeBowVector(withUnknown, vocab, UnknownWords.SKIP).toFloatArray()) {
                sum += v;
            }
            assertEquals(known, sum, 0f, withUnknown + " over " + vocab);
            Vocabulary all = Vocabulary.build(List.of(sentence));
            assertEquals(sentence.size(), BagOfWords.makeBowVector(sentence, all).sum().item(), 0.0, sentence.toString());
        });
    }

    /** "Word order is forgotten": a permutation of the words gives the same vector, bit for bit. */
    @Test
    @Spec("BOW-ORDER-FREE")
    void permutingTheWordsLeavesTheVectorUnchanged() {
        qt().withExamples(300).forAll(sentences(), seeds()).checkAssert((sentence, seed) -> {
            Vocabulary vocab = Vocabulary.build(List.of(sentence));
            long[] order = new Generator(seed).randperm(sentence.size());
            List<String> permuted = new ArrayList<>();
            for (long i : order) {
                permuted.add(sentence.get((int) i));
            }
            assertArrayEquals(BagOfWords.makeBowVector(sentence, vocab).toFloatArray(),
                    BagOfWords.makeBowVector(permuted, vocab).toFloatArray(), sentence + " vs " + permuted);
        });
    }

    /**
     * "word_to_ix maps each word in the vocab to a unique integer": building it as the tutorial does gives
     * each distinct word the next index at its first appearance, so the indices are 0..V−1 in first-seen
     * order.
     */
    @Test
    @Spec("BOW-VOCAB-FIRST-SEEN")
    void vocabularyIndicesAreZeroToVMinusOneInFirstSeenOrder() {
        qt().withExamples(300).forAll(lists().of(sentences()).ofSizeBetween(0, 4)).checkAssert(sentences -> {
            Vocabulary vocab = Vocabulary.build(sentences);
            List<String> firstSeen = new ArrayList<>();
            for (List<String> sentence : sentences) {
                for (String word : sentence) {
                    if (!firstSeen.contains(word)) {
                        firstSeen.add(word);
                    }
                }
            }
            assertEquals(firstSeen, vocab.words());
            assertEquals(firstSeen.size(), vocab.size());
            for (int i = 0; i < firstSeen.size(); i++) {
                assertEquals(i, vocab.indexOf(firstSeen.get(i)), firstSeen.get(i));
            }
            int i = 0;
            for (Map.Entry<String, Integer> e : vocab.asMap().entrySet()) {
                assertEquals(i++, e.getValue(), "asMap iterates in index order");
            }
        });
    }

    /**
     * A word the vocabulary lacks is the tutorial's KeyError: an {@link UnknownWordException} naming the
     * first such word — unless {@link UnknownWords#SKIP} is asked for, when the vector is that of the
     * sentence without its unknown words.
     */
    @Test
    @Spec("BOW-UNKNOWN-WORD")
    void anUnknownWordIsAnErrorNamingItUnlessSkipped() {
        qt().withExamples(300).forAll(sentences(), seeds()).checkAssert((sentence, seed) -> {
            Vocabulary vocab = Vocabulary.build(List.of(sentence));
            List<String> withUnknown = sprinkleUnknownWords(sentence, seed);
            String firstUnknown = withUnknown.stream().filter(w -> !vocab.contains(w)).findFirst().orElseThrow();
            UnknownWordException e = assertThrows(UnknownWordException.class,
                    () -> BagOfWords.makeBowVector(withUnknown, vocab), withUnknown.toString());
            assertEquals(firstUnknown, e.word());
            assertTrue(e.getMessage().contains("'" + firstUnknown + "'"), e.getMessage());
            assertArrayEquals(BagOfWords.makeBowVector(sentence, vocab).toFloatArray(),
                    BagOfWords.makeBowVector(withUnknown, vocab, UnknownWords.SKIP).toFloatArray(), withUnknown.toString());
        });
    }

    /**
     * make_target(label, label_to_ix) is torch.LongTensor([label_to_ix[label]]): int64, shape [1], the
     * label's index. An unknown label is an error naming it.
     */
    @Test
    @Spec("BOW-TARGET")
    void makeTargetIsAOneElementInt64TensorHoldingTheLabelsIndex() {
        qt().withExamples(300).forAll(sentences().assuming(s -> !s.isEmpty())).checkAssert(labels -> {
            Vocabulary labelToIx = Vocabulary.build(List.of(labels));
            for (String label : labels) {
                Tensor target = BagOfWords.makeTarget(label, labelToIx);
                assertEquals(DType.INT64, target.dtype());
                assertArrayEquals(new int[] {1}, target.shape());
                assertEquals(labelToIx.indexOf(label), target.item(), 0.0, label);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BagOfWords.makeTarget("u0", labelToIx));
            assertTrue(e.getMessage().contains("'u0'"), e.getMessage());
        });
    }

    /**
     * "Our model will map a sparse BoW representation to log probabilities over labels": every output
     * row is ≤ 0 and its exps sum to 1 within {@link Tolerances#logSoftmaxProbabilitySum}.
     */
    @Test
    @Spec("BOW-LOG-PROBABILITIES")
    void theClassifiersOutputRowsAreLogProbabilities() {
        qt().withExamples(300).forAll(lists().of(sentences()).ofSizeBetween(1, 5), sizes(4), seeds()).checkAssert((batch, labels, seed) -> {
            Vocabulary vocab = Vocabulary.build(batch);
            if (vocab.size() == 0) {
                vocab.add("w0"); // nn.Linear(0, labels) is legal but the tutorial's vocabulary is never empty
            }
            BoWClassifier model = new BoWClassifier(labels, vocab.size(), new Generator(seed));
            float[] rows = new float[batch.size() * vocab.size()];
            for (int r = 0; r < batch.size(); r++) {
                float[] bow = BagOfWords.makeBowVector(batch.get(r), vocab).toFloatArray();
                System.arraycopy(bow, 0, rows, r * vocab.size(), bow.length);
            }
            Tensor logProbs;
            try (NoGrad scope = new NoGrad()) {
                logProbs = model.forward(Tensor.fromFloats(rows, batch.size(), vocab.size()));
            }
            assertArrayEquals(new int[] {batch.size(), labels}, logProbs.shape());
            float[] lp = logProbs.toFloatArray();
            for (int r = 0; r < batch.size(); r++) {
                double sum = 0;
                for (int c = 0; c < labels; c++) {
                    float v = lp[r * labels + c];
                    assertTrue(v <= 0, "log probability " + v + " > 0");
                    sum += Math.exp(v);
                }
                double bound = Tolerances.logSoftmaxProbabilitySum(labels);
                assertTrue(Math.abs(sum - 1) <= bound, "row " + r + ": Σ exp = " + sum + " (bound " + bound + ")");
            }
        });
    }

    /**
     * "The model knows its parameters. The first output below is A, the second is b": parameters() is
     * [linear.weight, linear.bias] — those very tensors, of shapes (labels, V) and (labels).
     */
    @Test
    @Spec("BOW-PARAMETERS")
    void theModelsParametersAreTheLinearLayersWeightThenBias() {
        qt().withExamples(100).forAll(sizes(5), sizes(30), seeds()).checkAssert((labels, vocabSize, seed) -> {
            BoWClassifier model = new BoWClassifier(labels, vocabSize, new Generator(seed));
            List<Parameter> params = model.parameters();
            assertEquals(2, params.size());
            assertSame(model.linear.weight, params.get(0));
            assertSame(model.linear.bias, params.get(1));
            assertArrayEquals(new int[] {labels, vocabSize}, params.get(0).shape());
            assertArrayEquals(new int[] {labels}, params.get(1).shape());
            assertEquals(List.of("linear.weight", "linear.bias"), new ArrayList<>(model.namedParameters().keySet()));
        });
    }

    // ---------------------------------------------------------------- helpers

    /** The sentence with 1..3 unknown words (u0..u3) inserted at positions drawn from seed. */
    private static List<String> sprinkleUnknownWords(List<String> sentence, long seed) {
        Generator g = new Generator(seed);
        List<String> out = new ArrayList<>(sentence);
        int count = 1 + (int) g.randint(0, 3, 1)[0];
        for (int k = 0; k < count; k++) {
            int at = (int) g.randint(0, out.size() + 1, 1)[0];
            out.add(at, "u" + g.randint(0, 4, 1)[0]);
        }
        return out;
    }
}
