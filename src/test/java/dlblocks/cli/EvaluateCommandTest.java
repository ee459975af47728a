package dlblocks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlblocks.bow.Corpus;
import dlblocks.bow.LangIdModel;
import dlblocks.spec.Spec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dlblocks evaluate}: accuracy, per-label precision/recall/F1 and the confusion matrix, and its errors. */
class EvaluateCommandTest {
    @TempDir
    static Path dir;
    static Path model;
    static LangIdModel loaded;

    /** Evaluation data: some sentences the small model gets right, and some it may not. */
    static final String DATA = String.join("\n",
            "ENGLISH\tthe cat and the dog",
            "ENGLISH\tthe book is in the garden",
            "ENGLISH\tKatze",
            "GERMAN\tdie Katze und der Hund",
            "GERMAN\tein Buch",
            "SPANISH\tel gato y el perro",
            "SPANISH\tel libro",
            "SPANISH\tthe cat") + "\n";

    @BeforeAll
    static void trainOnce() throws IOException {
        model = Cli.trainSmallModel(dir, "m.safetensors");
        loaded = LangIdModel.load(model);
    }

    @Test
    @Spec("CLI-EVALUATE-REPORT")
    void evaluatePrintsAccuracyPerLabelScoresAndTheConfusionMatrixOfTheModelsPredictions() throws IOException {
        Path data = Cli.write(dir.resolve("eval.tsv"), DATA);
        Cli.Result r = Cli.run("evaluate", "--model", model.toString(), "--data", data.toString());
        r.assertSucceeded();

        // Tally the model's predictions here.
        Corpus corpus = Corpus.read(data, false);
        List<String> labels = loaded.labels().words();
        List<LangIdModel.Prediction> predictions = loaded.predict(corpus.texts());
        long[][] confusion = new long[labels.size()][labels.size()];
        int right = 0;
        for (int i = 0; i < corpus.size(); i++) {
            int t = labels.indexOf(corpus.labels().get(i));
            int p = labels.indexOf(predictions.get(i).label());
            confusion[t][p]++;
            if (t == p) right++;
        }
        assertTrue(right > 0 && right < corpus.size(), "the data has right and wrong answers: " + right);

        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("examples 8 (skipped lines 0)"), lines.get(0));
        assertEquals(String.format(Locale.ROOT, "accuracy %.2f%%", 100.0 * right / corpus.size()), lines.get(1));
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("label")).findFirst().orElseThrow());
        assertEquals(List.of("label", "precision", "recall", "f1"), Arrays.asList(lines.get(header).trim().split("\\s+")));
        for (int c = 0; c < labels.size(); c++) {
            String[] f = lines.get(header + 1 + c).trim().split("\\s+");
            assertEquals(labels.get(c), f[0]);
            long tp = confusion[c][c];
            long predicted = 0;
            long actual = 0;
            for (int k = 0; k < labels.size(); k++) {
                predicted += confusion[k][c];
                actual += confusion[c][k];
            }
            double precision = (double) tp / predicted;
            double recall = (double) tp / actual;
            // F1 = 2tp / (2tp + fp + fn): 0 without a right answer, NaN if the label neither occurs nor is predicted.
            double f1 = tp > 0 ? 2 * precision * recall / (precision + recall) : predicted + actual > 0 ? 0 : Double.NaN;
            assertEquals(List.of(String.format(Locale.ROOT, "%.4f", precision), String.format(Locale.ROOT, "%.4f", recall),
                    String.format(Locale.ROOT, "%.4f", f1)), List.of(f[1], f[2], f[3]), "scores of " + labels.get(c));
        }
        int matrix = lines.indexOf("confusion matrix (rows: true label, columns: predicted)");
        assertTrue(matrix > 0, r.out());
        assertEquals(labels, Arrays.asList(lines.get(matrix + 1).trim().split("\\s+")));
        for (int t = 0; t < labels.size(); t++) {
            String[] f = lines.get(matrix + 2 + t).trim().split("\\s+");
            assertEquals(labels.get(t), f[0]);
            for (int p = 0; p < labels.size(); p++) {
                assertEquals(confusion[t][p], Long.parseLong(f[1 + p]), labels.get(t) + " predicted as " + labels.get(p));
            }
        }
    }

    @Test
    @Spec("LANGID-UNKNOWN-LABEL-NAMED")
    void aLabelTheModelDoesNotKnowIsAnErrorNamingIt() throws IOException {
        Path data = Cli.write(dir.resolve("french.tsv"), "ENGLISH\tthe cat\nFRENCH\tle chat\n");
        Cli.run("evaluate", "--model", model.toString(), "--data", data.toString())
                .assertOneLineError("unknown label 'FRENCH'", data + ":2:", "the model's labels: ENGLISH, GERMAN, SPANISH");
    }

    @Test
    @Spec("TSV-BAD-LINES-NAMED-OR-SKIPPED")
    void aMalformedLineIsAnErrorNamingFileAndLineOrIsSkippedAndCounted() throws IOException {
        Path data = Cli.write(dir.resolve("bad.tsv"), "ENGLISH\tthe cat\nGERMAN\t\nSPANISH\tel gato\n");
        Cli.run("evaluate", "--model", model.toString(), "--data", data.toString())
                .assertOneLineError(data + ":2:", "empty text");
        Cli.Result r = Cli.run("evaluate", "--model", model.toString(), "--data", data.toString(), "--skip-bad-lines");
        r.assertSucceeded();
        assertTrue(r.out().startsWith("examples 2 (skipped lines 1)"), r.out());
    }

    @Test
    @Spec("CLI-ERRORS-ARE-ONE-LINE")
    void missingFilesAndEmptyDataAreOneLineErrors() throws IOException {
        Path missing = dir.resolve("missing.tsv");
        Cli.run("evaluate", "--model", model.toString(), "--data", missing.toString())
                .assertOneLineError("no such file", missing.toString());
        Path noModel = dir.resolve("missing.safetensors");
        Cli.run("evaluate", "--model", noModel.toString(), "--data", missing.toString())
                .assertOneLineError("no such file", noModel.toString());
        Path empty = Cli.write(dir.resolve("empty.tsv"), "");
        Cli.run("evaluate", "--model", model.toString(), "--data", empty.toString())
                .assertOneLineError("no examples to evaluate");
    }
}
