package dlblocks.bench;

import dlblocks.bow.BoWClassifier;
import dlblocks.bow.SparseBatch;
import dlblocks.bow.SparseTrainer;
import dlblocks.bow.Tokenizer;
import dlblocks.bow.UnknownWords;
import dlblocks.random.Generator;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The sparse mini-batched path, steady state: one invocation is one epoch over the 16,803 training
 * sentences (already featurised, as a trainer holds them), in sentences per second, one thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class SparseTrainerBenchmark {
    private static final int SENTENCES = 16_803;

    @Param({"SGD", "ADAGRAD"})
    public String algorithm;

    @Param({"64", "1"})
    public int batchSize;

    @Param({"split", "words"})
    public String tokenizer;

    private SparseBatch x;
    private int[] y;
    private int[] order;
    private SparseTrainer trainer;

    @Setup
    public void setUp() throws IOException {
        Tokenizer t = tokenizer.equals("split") ? Tokenizer.TUTORIAL : new Tokenizer(Tokenizer.Mode.WORDS, true);
        LangIdData data = new LangIdData(t);
        x = SparseBatch.of(data.sentences, data.vocabulary, UnknownWords.ERROR);
        y = data.y;
        order = toInts(new Generator(1).randperm(x.rows()));
        BoWClassifier model = new BoWClassifier(data.labels.size(), data.vocabulary.size(), new Generator(1));
        double lr = algorithm.equals("SGD") ? 0.1 : 0.5;
        trainer = new SparseTrainer(model, SparseTrainer.Algorithm.valueOf(algorithm), lr);
    }

    @Benchmark
    @OperationsPerInvocation(SENTENCES)
    public float epoch() {
        float loss = 0;
        for (int from = 0; from < order.length; from += batchSize) {
            loss += trainer.step(x, y, order, from, Math.min(order.length, from + batchSize));
        }
        return loss;
    }

    private static int[] toInts(long[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < out.length; i++) out[i] = (int) values[i];
        return out;
    }
}
