package dlblocks.bow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dlblocks.spec.Spec;
import dlblocks.tensor.Device;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LangIdTraining} on small slices of the bundled corpus (so each test takes milliseconds): one
 * seed gives one model, bit for bit; the vocabulary keeps exactly the words seen minCount times; bad
 * settings and unknown dev labels are errors naming what is wrong. The accuracy of the default
 * settings on the whole corpus is checked once, through the command, in {@code TrainCommandTest}.
 */
class LangIdTrainingTest {
    static final Tokenizer WORDS_LOWER = new Tokenizer(Tokenizer.Mode.WORDS, true);

    /** The first {@code lines} lines of a bundled split. */
    static Corpus slice(String split, int lines) throws IOException {
        try (InputStream in = LangIdTrainingTest.class.getResourceAsStream("/dlblocks/langid/" + split)) {
            String[] all = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            String text = String.join("\n", Arrays.copyOf(all, lines)) + "\n";
            return Corpus.parse(split, text.getBytes(StandardCharsets.UTF_8), false);
        }
    }

    static LangIdTraining.Settings settings(SparseTrainer.Algorithm algorithm, long seed, int minCount) {
        return new LangIdTraining.Settings(WORDS_LOWER, minCount, algorithm, algorithm == SparseTrainer.Algorithm.ADAM
                || algorithm == SparseTrainer.Algorithm.RMSPROP ? 0.01 : 0.5, 16, 2, seed, Device.CPU);
    }

    static LangIdModel train(Corpus train, Corpus dev, LangIdTraining.Settings s) {
        return LangIdTraining.train(train, dev, s, new ArrayList<>(), new LangIdTraining.Listener() { });
    }

    static byte[] saved(LangIdModel model, Path file) throws IOException {
        model.save(file, true);
        return Files.readAllBytes(file);
    }

    @Test
    @Spec("LANGID-SAME-SEED-SAME-MODEL")
    void theSameSeedGivesByteIdenticalModelFilesWithEveryOptimiser(@TempDir Path dir) throws IOException {
        Corpus train = slice("train.tsv", 150);
        Corpus dev = slice("dev.tsv", 60);
        for (SparseTrainer.Algorithm a : SparseTrainer.Algorithm.values()) {
            List<LangIdTraining.Epoch> h1 = new ArrayList<>();
            List<LangIdTraining.Epoch> h2 = new ArrayList<>();
            LangIdModel m1 = LangIdTraining.train(train, dev, settings(a, 7, 1), h1, new LangIdTraining.Listener() { });
            LangIdModel m2 = LangIdTraining.train(train, dev, settings(a, 7, 1), h2, new LangIdTraining.Listener() { });
            assertArrayEquals(saved(m1, dir.resolve("a.safetensors")), saved(m2, dir.resolve("b.safetensors")), a.name());
            assertEquals(h1, h2, a + ": the same losses and accuracies per epoch");
            assertEquals(2, h1.size());
        }
    }

    @Test
    @Spec("LANGID-SAME-SEED-SAME-MODEL")
    void differentSeedsGiveDifferentModels(@TempDir Path dir) throws IOException {
        Corpus train = slice("train.tsv", 100);
        // The generator is torch's mt19937, which (like torch.manual_seed) uses the low 32 bits of the seed.
        qt().withExamples(10).forAll(integers().all(), integers().all()).assuming((a, b) -> !a.equals(b))
                .checkAssert((a, b) -> {
                    try {
                        byte[] first = saved(train(train, null, settings(SparseTrainer.Algorithm.ADAGRAD, a, 1)),
                                dir.resolve("a.safetensors"));
                        byte[] second = saved(train(train, null, settings(SparseTrainer.Algorithm.ADAGRAD, b, 1)),
                                dir.resolve("b.safetensors"));
                        assertFalse(Arrays.equals(first, second), "seeds " + a + " and " + b);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
    }

    @Test
    @Spec("LANGID-MIN-COUNT")
    void theVocabularyIsTheWordsSeenAtLeastMinCountTimesInFirstSeenOrder() throws IOException {
        Corpus train = slice("train.tsv", 200);
        Map<String, Integer> counts = new HashMap<>();
        Set<String> firstSeen = new LinkedHashSet<>();
        for (String text : train.texts()) {
            for (String w : WORDS_LOWER.tokens(text)) {
                counts.merge(w, 1, Integer::sum);
                firstSeen.add(w);
            }
        }
        for (int minCount : new int[] {1, 2, 3, 10}) {
            List<String> expected = new ArrayList<>();
            for (String w : firstSeen) {
                if (counts.get(w) >= minCount) expected.add(w);
            }
            LangIdTraining.Settings s = new LangIdTraining.Settings(WORDS_LOWER, minCount, SparseTrainer.Algorithm.SGD,
                    0.1, 8, 0, 1, Device.CPU);
            LangIdModel m = train(train, null, s);
            assertEquals(expected, m.vocabulary().words(), "minCount " + minCount);
            assertEquals(expected.size(), m.model().linear.inFeatures());
        }
    }

    @Test
    @Spec("LANGID-UNKNOWN-LABEL-NAMED")
    void aDevLabelTheTrainingDataLacksIsAnErrorNamingIt() throws IOException {
        Corpus train = slice("train.tsv", 100);
        Corpus dev = Corpus.parse("dev.tsv", "ENGLISH\thello there\nKLINGON\tnuqneH\n".getBytes(StandardCharsets.UTF_8), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> train(train, dev, settings(SparseTrainer.Algorithm.SGD, 1, 1)));
        assertTrue(e.getMessage().contains("'KLINGON'"), e.getMessage());
        assertTrue(e.getMessage().startsWith("dev.tsv:2: unknown label 'KLINGON'"), e.getMessage());
        // A long list of labels is cut after 20, with a count of the rest.
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 25; i++) many.add("L" + i);
        String listed = LangIdTraining.listed(many);
        assertTrue(listed.startsWith("L0, L1, ") && listed.endsWith("L19 and 5 more"), listed);
        assertEquals("A, B", LangIdTraining.listed(List.of("A", "B")));
    }

    @Test
    void historyListenerAndLabelsFollowTheTrainingData() throws IOException {
        Corpus train = slice("train.tsv", 150);
        Corpus dev = slice("dev.tsv", 40);
        List<LangIdTraining.Epoch> history = new ArrayList<>();
        int[] examples = new int[1];
        List<LangIdTraining.Epoch> told = new ArrayList<>();
        LangIdModel m = LangIdTraining.train(train, dev, new LangIdTraining.Settings(WORDS_LOWER, 1,
                SparseTrainer.Algorithm.ADAGRAD, 0.5, 32, 3, 5, Device.CPU), history, new LangIdTraining.Listener() {
                    @Override
                    public void batchDone(int n, double loss) {
                        assertTrue(n >= 1 && n <= 32 && Double.isFinite(loss) && loss >= 0);
                        examples[0] += n;
                    }

                    @Override
                    public void epochDone(LangIdTraining.Epoch epoch) {
                        told.add(epoch);
                    }
                });
        assertEquals(3 * 150, examples[0], "every example once per epoch");
        assertEquals(history, told);
        assertEquals(List.of(1, 2, 3), history.stream().map(LangIdTraining.Epoch::number).toList());
        List<String> labelsInOrder = new ArrayList<>(new LinkedHashSet<>(train.labels()));
        assertEquals(labelsInOrder, m.labels().words(), "labels indexed in first-seen order");
        // The reported dev accuracy is the model's: count its right answers here.
        int right = 0;
        List<LangIdModel.Prediction> p = m.predict(dev.texts());
        for (int i = 0; i < dev.size(); i++) {
            if (p.get(i).label().equals(dev.labels().get(i))) right++;
        }
        assertEquals((double) right / dev.size(), history.get(2).devAccuracy());
    }

    @Test
    void withoutDevDataTheAccuracyIsNaN() throws IOException {
        List<LangIdTraining.Epoch> history = new ArrayList<>();
        LangIdTraining.train(slice("train.tsv", 50), null, settings(SparseTrainer.Algorithm.SGD, 1, 1), history,
                new LangIdTraining.Listener() { });
        assertEquals(2, history.size());
        assertTrue(Double.isNaN(history.get(1).devAccuracy()));
        assertTrue(Double.isFinite(history.get(1).trainLoss()));
    }

    @Test
    void settingsOutOfRangeAreErrorsNamingTheOption() {
        Tokenizer t = WORDS_LOWER;
        SparseTrainer.Algorithm sgd = SparseTrainer.Algorithm.SGD;
        Map<String, Runnable> bad = Map.of(
                "--min-count", () -> new LangIdTraining.Settings(t, 0, sgd, 0.1, 8, 1, 1, Device.CPU),
                "--batch-size", () -> new LangIdTraining.Settings(t, 1, sgd, 0.1, 0, 1, 1, Device.CPU),
                "--epochs", () -> new LangIdTraining.Settings(t, 1, sgd, 0.1, 8, -1, 1, Device.CPU),
                "--lr", () -> new LangIdTraining.Settings(t, 1, sgd, Double.NaN, 8, 1, 1, Device.CPU));
        for (Map.Entry<String, Runnable> e : bad.entrySet()) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e.getValue()::run, e.getKey());
            assertTrue(ex.getMessage().startsWith(e.getKey()), ex.getMessage());
        }
        for (double lr : new double[] {-0.1, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class,
                    () -> new LangIdTraining.Settings(t, 1, sgd, lr, 8, 1, 1, Device.CPU), "lr " + lr);
        }
    }
}
