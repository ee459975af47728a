package dlblocks.bench;

import dlblocks.bow.BagOfWords;
import dlblocks.bow.BoWClassifier;
import dlblocks.bow.Tokenizer;
import dlblocks.loss.NLLLoss;
import dlblocks.optim.SGD;
import dlblocks.random.Generator;
import dlblocks.tensor.Tensor;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The tutorial's training loop, unchanged, on the real corpus: one sentence at a time, a dense BoW vector
 * of the whole vocabulary (71,272 words with the tutorial's split()), NLLLoss, backward, an SGD step —
 * written with dlblocks' own tensors, module and optimiser. One invocation is one epoch (16,803
 * sentences); the score is in sentences per second. PyTorch 1.13 runs the same loop at 1,810 sentences/s
 * with OpenBLAS (issue 5's figure); verification/bench/tutorial_loop.py measures it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class TutorialLoopBenchmark {
    private static final int SENTENCES = 16_803;
    private LangIdData data;
    private BoWClassifier model;
    private NLLLoss lossFunction;
    private SGD optimizer;

    @Setup
    public void setUp() throws IOException {
        data = new LangIdData(Tokenizer.TUTORIAL);
        model = new BoWClassifier(data.labels.size(), data.vocabulary.size(), new Generator(1));
        lossFunction = new NLLLoss();
        optimizer = new SGD(model.parameters(), 0.1);
    }

    @Benchmark
    @OperationsPerInvocation(SENTENCES)
    public double epoch() {
        double last = 0;
        for (int i = 0; i < data.sentences.size(); i++) {
            model.zeroGrad();
            Tensor bowVec = BagOfWords.makeBowVector(data.sentences.get(i), data.vocabulary);
            Tensor target = BagOfWords.makeTarget(data.labelNames.get(i), data.labels);
            Tensor loss = lossFunction.forward(model.forward(bowVec), target);
            loss.backward();
            optimizer.step();
            last = loss.item();
        }
        return last;
    }
}
