package dlblocks.cli;

import dlblocks.bow.Corpus;
import dlblocks.bow.Evaluation;
import dlblocks.bow.LangIdModel;
import dlblocks.bow.LangIdTraining;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dlblocks evaluate}: accuracy, per-label precision/recall/F1 and the confusion matrix. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a model on LABEL<TAB>text data: accuracy, per-label precision, recall and F1, "
                + "and the confusion matrix (rows: true label, columns: predicted).")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "a model written by train")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE.tsv", description = "labelled data")
    Path data;

    @Option(names = "--skip-bad-lines", description = "skip (and count) malformed lines instead of stopping")
    boolean skipBadLines;

    @Override
    public Integer call() throws IOException {
        LangIdModel m = LangIdModel.load(model);
        Corpus corpus = Corpus.read(data, skipBadLines);
        if (corpus.size() == 0) {
            throw new IllegalArgumentException(data + ": no examples to evaluate");
        }
        int[] truth = LangIdTraining.indices(corpus, m.labels());
        List<LangIdModel.Prediction> predictions = m.predict(corpus.texts());
        int[] predicted = new int[truth.length];
        long unknown = 0;
        for (int i = 0; i < truth.length; i++) {
            predicted[i] = m.labels().indexOf(predictions.get(i).label());
            unknown += predictions.get(i).unknownWords();
        }
        print(Evaluation.of(m.labels().words(), truth, predicted), corpus, unknown, System.out);
        return 0;
    }

    static void print(Evaluation e, Corpus corpus, long unknown, PrintStream out) {
        out.printf(Locale.ROOT, "examples %d (skipped lines %d), unknown words ignored %d%n", e.total(),
                corpus.skippedLines(), unknown);
        out.printf(Locale.ROOT, "accuracy %.2f%%%n%n", 100 * e.accuracy());
        int width = Math.max(5, e.labels().stream().mapToInt(String::length).max().orElse(5));
        out.printf(Locale.ROOT, "%-" + width + "s  %9s  %9s  %9s%n", "label", "precision", "recall", "f1");
        for (int c = 0; c < e.labels().size(); c++) {
            out.printf(Locale.ROOT, "%-" + width + "s  %9.4f  %9.4f  %9.4f%n", e.labels().get(c), e.precision(c),
                    e.recall(c), e.f1(c));
        }
        out.println();
        out.println("confusion matrix (rows: true label, columns: predicted)");
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", ""));
        for (String label : e.labels()) {
            header.append(String.format(Locale.ROOT, " %" + Math.max(6, label.length()) + "s", label));
        }
        out.println(header);
        for (int t = 0; t < e.labels().size(); t++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", e.labels().get(t)));
            for (int p = 0; p < e.labels().size(); p++) {
                row.append(String.format(Locale.ROOT, " %" + Math.max(6, e.labels().get(p).length()) + "d",
                        e.confusion()[t][p]));
            }
            out.println(row);
        }
    }
}
