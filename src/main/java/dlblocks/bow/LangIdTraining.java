package dlblocks.bow;

import dlblocks.loss.Losses;
import dlblocks.module.Parameter;
import dlblocks.optim.Optimizer;
import dlblocks.random.Generator;
import dlblocks.tensor.Device;
import dlblocks.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Training the tutorial's classifier on a real corpus: build the vocabulary from the training texts,
 * shuffle each epoch, take mini-batch steps, and measure dev accuracy after each epoch. Everything random
 * comes from one seed, so the same settings give the same model bit for bit.
 */
public final class LangIdTraining {
    /** The knobs of {@code dlblocks train}. */
    public record Settings(Tokenizer tokenizer, int minCount, SparseTrainer.Algorithm algorithm, double lr,
                           int batchSize, int epochs, long seed, Device device) {
        public Settings {
            if (minCount < 1) throw new IllegalArgumentException("--min-count must be at least 1, got " + minCount);
            if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
            if (epochs < 0) throw new IllegalArgumentException("--epochs must not be negative, got " + epochs);
            if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("--lr must be a finite number >= 0, got " + lr);
        }
    }

    /** After each epoch: its mean training loss and the dev accuracy. */
    public record Epoch(int number, double trainLoss, double devAccuracy) {
    }

    /** Called as training advances (for progress bars). */
    public interface Listener {
        default void batchDone(int examples, double loss) {
        }

        default void epochDone(Epoch epoch) {
        }
    }

    private LangIdTraining() {
    }

    /** Trains on {@code train}, reporting accuracy on {@code dev} (which may be null) after every epoch. */
    public static LangIdModel train(Corpus train, Corpus dev, Settings s, List<Epoch> history, Listener listener) {
        Vocabulary labels = new Vocabulary();
        for (String label : train.labels()) labels.add(label);
        if (labels.size() == 1) {
            throw new IllegalArgumentException("the training data has one label only ('" + labels.words().get(0)
                    + "'); a classifier needs examples of at least two");
        }
        List<List<String>> sentences = new ArrayList<>();
        for (String text : train.texts()) sentences.add(s.tokenizer().tokens(text));
        Vocabulary vocabulary = vocabulary(sentences, s.minCount());
        if (vocabulary.size() == 0) {
            // A model without words predicts the same label for every text: refuse it rather than save it.
            throw new IllegalArgumentException(s.minCount() > 1
                    ? "no word occurs at least " + s.minCount() + " times in the training data, so the vocabulary"
                            + " would be empty; lower --min-count"
                    : "the training texts contain no words, so the vocabulary would be empty");
        }
        SparseBatch x = SparseBatch.of(sentences, vocabulary, UnknownWords.SKIP);
        int[] y = indices(train, labels);
        SparseBatch devX = null;
        int[] devY = null;
        if (dev != null) {
            List<List<String>> devSentences = new ArrayList<>();
            for (String text : dev.texts()) devSentences.add(s.tokenizer().tokens(text));
            devX = SparseBatch.of(devSentences, vocabulary, UnknownWords.SKIP);
            devY = indices(dev, labels);
        }
        Generator generator = new Generator(s.seed());
        BoWClassifier model = new BoWClassifier(labels.size(), vocabulary.size(), generator);
        SparseTrainer trainer = s.device().isCuda() ? null : new SparseTrainer(model, s.algorithm(), s.lr());
        Step step = trainer == null ? denseStep(model, s) : trainer::step;
        for (int epoch = 1; epoch <= s.epochs(); epoch++) {
            int[] order = toInts(generator.randperm(x.rows()));
            double lossSum = 0;
            for (int from = 0; from < order.length; from += s.batchSize()) {
                int to = Math.min(order.length, from + s.batchSize());
                float loss = step.run(x, y, order, from, to);
                if (!Float.isFinite(loss)) {
                    throw diverged(s, epoch, "the training loss became " + loss);
                }
                lossSum += (double) loss * (to - from);
                listener.batchDone(to - from, loss);
            }
            if (trainer != null) {
                trainer.syncModel();
            }
            requireFiniteParameters(model, s, epoch);
            double accuracy = devX == null ? Double.NaN : accuracy(model, devX, devY);
            Epoch e = new Epoch(epoch, lossSum / Math.max(1, order.length), accuracy);
            history.add(e);
            listener.epochDone(e);
        }
        return new LangIdModel(model, vocabulary, labels, s.tokenizer());
    }

    /**
     * The last step can leave NaN or infinite weights behind a finite loss; checked once per epoch, so that
     * no broken model is ever saved.
     */
    private static void requireFiniteParameters(BoWClassifier model, Settings s, int epoch) {
        for (Map.Entry<String, Parameter> p : model.namedParameters().entrySet()) {
            String broken = LangIdModel.nonFinite(p.getKey(), p.getValue());
            if (broken != null) {
                throw diverged(s, epoch, broken);
            }
        }
    }

    private static IllegalStateException diverged(Settings s, int epoch, String what) {
        return new IllegalStateException("training diverged in epoch " + epoch + ": " + what + "; try a smaller "
                + "--lr (it is " + s.lr() + "); no model was saved");
    }

    /** One optimiser step on rows order[from..to) of x. */
    private interface Step {
        float run(SparseBatch x, int[] y, int[] order, int from, int to);
    }

    /**
     * The dense reference path on any device: stacked BoW vectors, {@code model.forward}, mean NLLLoss,
     * backward, one optimiser step.
     */
    private static Step denseStep(BoWClassifier model, Settings s) {
        model.to(s.device());
        Optimizer optimizer = SparseTrainer.create(s.algorithm(), model, s.lr());
        return (x, y, order, from, to) -> {
            int[] rows = java.util.Arrays.copyOfRange(order, from, to);
            long[] targets = new long[rows.length];
            for (int i = 0; i < rows.length; i++) targets[i] = y[rows[i]];
            optimizer.zeroGrad();
            Tensor logProbs = model.forward(x.toDense(rows).to(s.device()));
            Tensor loss = Losses.nllLoss(logProbs, Tensor.longs(targets).to(s.device()));
            loss.backward();
            optimizer.step();
            return (float) loss.item();
        };
    }

    /** The fraction of rows whose most probable label is the true one. */
    public static double accuracy(BoWClassifier model, SparseBatch x, int[] y) {
        long[] predicted = SparseTrainer.logProbs(model, x).argmax(1).toLongArray();
        int right = 0;
        for (int i = 0; i < y.length; i++) {
            if (predicted[i] == y[i]) right++;
        }
        return y.length == 0 ? Double.NaN : (double) right / y.length;
    }

    /** Words seen at least minCount times, indexed in first-seen order. */
    static Vocabulary vocabulary(List<List<String>> sentences, int minCount) {
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        for (List<String> sentence : sentences) {
            for (String w : sentence) counts.merge(w, 1, Integer::sum);
        }
        Vocabulary v = new Vocabulary();
        for (List<String> sentence : sentences) {
            for (String w : sentence) {
                if (counts.get(w) >= minCount) v.add(w);
            }
        }
        return v;
    }

    /** Each example's label index; a label the model does not know is an error naming it and its file:line. */
    public static int[] indices(Corpus data, Vocabulary labels) {
        List<String> names = data.labels();
        int[] out = new int[names.size()];
        for (int i = 0; i < out.length; i++) {
            if (!labels.contains(names.get(i))) {
                throw new IllegalArgumentException(data.where(i) + ": unknown label '" + names.get(i)
                        + "' (the model's labels: " + listed(labels.words()) + ")");
            }
            out[i] = labels.indexOf(names.get(i));
        }
        return out;
    }

    /** The first 20 names, and how many more: an error message stays one readable line. */
    static String listed(List<String> names) {
        int shown = Math.min(20, names.size());
        String list = String.join(", ", names.subList(0, shown));
        return names.size() > shown ? list + " and " + (names.size() - shown) + " more" : list;
    }

    private static int[] toInts(long[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < out.length; i++) out[i] = (int) values[i];
        return out;
    }
}
