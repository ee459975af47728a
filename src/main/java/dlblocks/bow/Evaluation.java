package dlblocks.bow;

import java.util.List;

/**
 * How well predictions match the truth: accuracy, and per label precision (of the examples predicted as
 * the label, the fraction that are), recall (of the examples that are the label, the fraction predicted
 * as it) and F1 (their harmonic mean), from the confusion matrix {@code counts[true][predicted]}.
 */
public record Evaluation(List<String> labels, long[][] confusion) {
    /** Tallies predicted against true label indices. */
    public static Evaluation of(List<String> labels, int[] truth, int[] predicted) {
        long[][] counts = new long[labels.size()][labels.size()];
        for (int i = 0; i < truth.length; i++) {
            counts[truth[i]][predicted[i]]++;
        }
        return new Evaluation(List.copyOf(labels), counts);
    }

    public long total() {
        long n = 0;
        for (long[] row : confusion) for (long c : row) n += c;
        return n;
    }

    public double accuracy() {
        long right = 0;
        for (int i = 0; i < confusion.length; i++) right += confusion[i][i];
        return (double) right / total();
    }

    /** tp / (tp + fp); NaN when nothing was predicted as the label. */
    public double precision(int label) {
        long predicted = 0;
        for (long[] row : confusion) predicted += row[label];
        return (double) confusion[label][label] / predicted;
    }

    /** tp / (tp + fn); NaN when the label never occurs. */
    public double recall(int label) {
        long actual = 0;
        for (long c : confusion[label]) actual += c;
        return (double) confusion[label][label] / actual;
    }

    /**
     * 2·P·R / (P + R), which is 2tp / (2tp + fp + fn): 0 when tp = 0 and the label occurs or is predicted
     * (even though one of P and R is then 0/0); NaN only when it neither occurs nor is predicted.
     */
    public double f1(int label) {
        double p = precision(label);
        double r = recall(label);
        if (confusion[label][label] == 0) {
            return Double.isNaN(p) && Double.isNaN(r) ? Double.NaN : 0;
        }
        return 2 * p * r / (p + r);
    }
}
