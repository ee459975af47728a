package dlblocks.cuda;

import static dlblocks.Tolerances.F32_U;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dlblocks.Tolerances;
import dlblocks.autograd.NoGrad;
import dlblocks.bow.BoWClassifier;
import dlblocks.loss.Losses;
import dlblocks.loss.NLLLoss;
import dlblocks.optim.Adagrad;
import dlblocks.optim.Adam;
import dlblocks.optim.Optimizer;
import dlblocks.optim.RMSprop;
import dlblocks.optim.SGD;
import dlblocks.random.Generator;
import dlblocks.softmax.Softmax;
import dlblocks.spec.Spec;
import dlblocks.tensor.DType;
import dlblocks.tensor.Device;
import dlblocks.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The parts of training that are exact on CUDA — NLLLoss forward and backward, every optimiser step —
 * equal the CPU bit for bit, cross-entropy on CUDA is exactly NLLLoss of CUDA's log-softmax, and the
 * tutorial's training loop, run on both devices in lockstep, stays within the bounds of one step.
 * Skipped, with the reason, where there is no GPU.
 */
class CudaTrainingProperties {
    private Device cuda;

    @BeforeEach
    void needsCuda() {
        cuda = Gpu.cuda();
    }

    @Test
    @Spec("CUDA-EXACT-CONCEPTS-EQUAL-CPU")
    void nllLossAndItsGradientOnCudaEqualTheCpusBitForBitWithEveryOption() {
        qt().withExamples(80).forAll(longs().all(), integers().between(0, 11)).checkAssert((seed, option) -> {
            SplittableRandom r = new SplittableRandom(seed);
            CudaConceptProperties.LossCase c = CudaConceptProperties.LossCase.random(r, option);
            double[] logP = Samples.values(r, c.batch * c.classes, DType.FLOAT32, false);
            Tensor onCpu = CudaConceptProperties.leaf(logP, Device.CPU, c.batch, c.classes);
            Tensor onGpu = CudaConceptProperties.leaf(logP, cuda, c.batch, c.classes);
            Tensor lossCpu = c.nll(onCpu, Device.CPU, true);
            Tensor lossGpu = c.nll(onGpu, cuda, true);
            String what = "NLLLoss " + c + ", seed " + seed;
            Samples.assertSame(lossCpu.toDoubleArray(), lossGpu.toDoubleArray(), what);
            lossCpu.backward(c.upstream(Device.CPU, DType.FLOAT32));
            lossGpu.backward(c.upstream(cuda, DType.FLOAT32));
            Samples.assertSame(onCpu.grad().toDoubleArray(), onGpu.grad().toDoubleArray(), what + ", gradient");
        });
    }

    @Test
    @Spec("CUDA-EXACT-CONCEPTS-EQUAL-CPU")
    void crossEntropyOnCudaIsExactlyNllLossOfCudasLogSoftmax() {
        qt().withExamples(60).forAll(longs().all(), integers().between(0, 11)).checkAssert((seed, option) -> {
            SplittableRandom r = new SplittableRandom(seed);
            CudaConceptProperties.LossCase c = CudaConceptProperties.LossCase.random(r, option);
            double[] xv = Samples.moderate(r, c.batch * c.classes, DType.FLOAT32, 8);
            Tensor x = Tensor.fromDoubles(DType.FLOAT32, xv, c.batch, c.classes).to(cuda);
            Tensor logP = Softmax.logSoftmax(c.input(x), c.single ? 0 : 1).cpu();
            Tensor expected = Losses.nllLoss(logP, c.target(Device.CPU), c.weight(Device.CPU, true), c.reduction,
                    c.ignoreIndex);
            Samples.assertSame(expected.toDoubleArray(), c.loss(x, cuda, true).toDoubleArray(),
                    "cross entropy " + c + ", seed " + seed);
        });
    }

    /** One optimiser of each kind and option, made by the same function on both devices. */
    static final List<Function<Tensor, Optimizer>> OPTIMISERS = List.of(
        p -> new SGD(List.of(p), 0.1),
        p -> new SGD(List.of(p), new SGD.Options().lr(0.05).momentum(0.9)),
        p -> new SGD(List.of(p), new SGD.Options().lr(0.05).momentum(0.9).dampening(0.1).weightDecay(0.01)),
        p -> new SGD(List.of(p), new SGD.Options().lr(0.05).momentum(0.8).nesterov(true).maximize(true)),
        p -> new Adam(List.of(p)),
        p -> new Adam(List.of(p), new Adam.Options().lr(0.01).amsgrad(true).weightDecay(0.1)),
        p -> new Adam(List.of(p), new Adam.Options().betas(0.8, 0.9).eps(1e-6).maximize(true)),
        p -> new RMSprop(List.of(p)),
        p -> new RMSprop(List.of(p), new RMSprop.Options().centered(true).momentum(0.5)),
        p -> new RMSprop(List.of(p), new RMSprop.Options().alpha(0.9).weightDecay(0.1).maximize(true)),
        p -> new Adagrad(List.of(p)),
        p -> new Adagrad(List.of(p), new Adagrad.Options().lrDecay(0.1).weightDecay(0.05).initialAccumulatorValue(0.2)),
        p -> new Adagrad(List.of(p), new Adagrad.Options().eps(1e-6).maximize(true)));

    @Test
    @Spec("CUDA-EXACT-CONCEPTS-EQUAL-CPU")
    void everyOptimiserStepOnCudaEqualsTheCpusBitForBit() {
        qt().withExamples(30).forAll(longs().all(), integers().between(1, 3000)).checkAssert((seed, n) -> {
            SplittableRandom r = new SplittableRandom(seed);
            double[] start = Samples.values(r, n, DType.FLOAT32, false);
            for (int k = 0; k < OPTIMISERS.size(); k++) {
                Tensor pCpu = CudaConceptProperties.leaf(start, Device.CPU, n);
                Tensor pGpu = CudaConceptProperties.leaf(start, cuda, n);
                Optimizer cpuOpt = OPTIMISERS.get(k).apply(pCpu);
                Optimizer gpuOpt = OPTIMISERS.get(k).apply(pGpu);
                for (int step = 0; step < 4; step++) {
                    double[] g = Samples.values(r, n, DType.FLOAT32, false);
                    if (step == 2) java.util.Arrays.fill(g, 0, n / 2, 0.0); // zero gradients too
                    pCpu.setGrad(Tensor.fromDoubles(DType.FLOAT32, g, n));
                    pGpu.setGrad(Tensor.fromDoubles(DType.FLOAT32, g, n).to(cuda));
                    cpuOpt.step();
                    gpuOpt.step();
                    Samples.assertSame(pCpu.toDoubleArray(), pGpu.toDoubleArray(), cpuOpt.getClass().getSimpleName()
                            + " #" + k + " step " + step + ", seed " + seed);
                }
            }
        });
    }

    @Test
    @Spec("CUDA-BOW-LOOP-TRACKS-CPU")
    void theBowTrainingLoopOnCudaStaysWithinTheOneStepBoundOfTheCpusInLockstep() {
        qt().withExamples(6).forAll(longs().all(), integers().between(0, 2)).checkAssert((seed, size) -> {
            SplittableRandom r = new SplittableRandom(seed);
            int vocab = new int[] {26, 700, 71272}[size];
            int labels = r.nextInt(2, 7);
            BoWClassifier cpuModel = new BoWClassifier(labels, vocab, new Generator(seed));
            BoWClassifier gpuModel = new BoWClassifier(labels, vocab, new Generator(seed));
            gpuModel.to(cuda);
            double lr = 0.1;
            SGD cpuOpt = new SGD(cpuModel.parameters(), lr);
            SGD gpuOpt = new SGD(gpuModel.parameters(), lr);
            NLLLoss loss = new NLLLoss();
            for (int step = 0; step < 30; step++) {
                float[] bow = new float[vocab];
                for (int w = r.nextInt(1, 12); w > 0; w--) bow[r.nextInt(vocab)] += 1;
                long target = r.nextInt(labels);
                try (NoGrad scope = new NoGrad()) { // both start the step from the CPU's parameters
                    gpuModel.linear.weight.copy_(cpuModel.linear.weight);
                    gpuModel.linear.bias.copy_(cpuModel.linear.bias);
                }
                double[] w = cpuModel.linear.weight.toDoubleArray();
                double[] b = cpuModel.linear.bias.toDoubleArray();
                for (BoWClassifier m : new BoWClassifier[] {cpuModel, gpuModel}) {
                    Device d = m == cpuModel ? Device.CPU : cuda;
                    SGD opt = m == cpuModel ? cpuOpt : gpuOpt;
                    m.zeroGrad();
                    Tensor logProbs = m.forward(Tensor.fromFloats(bow, 1, vocab).to(d));
                    loss.forward(logProbs, Tensor.longs(target).to(d)).backward();
                    opt.step();
                }
                assertWithinOneStep(cpuModel, gpuModel, bow, w, b, (int) target, lr,
                        "vocabulary " + vocab + ", " + labels + " labels, step " + step + ", seed " + seed);
            }
        });
    }

    /**
     * One SGD step from the same parameters on both devices. The logits z differ by at most twice the
     * dot-product bound; log-softmax is 1-Lipschitz in each logit and its normaliser, so the exact
     * probabilities of the two logit vectors differ by a factor of at most exp(2·max|Δz|); each device's
     * gradient ∂L/∂z = softmax(z) − onehot is within logSoftmaxGradBound of the exact one for its logits;
     * the weight gradient multiplies by the count x_p (one rounding) and the update θ − lr·g rounds once.
     */
    static void assertWithinOneStep(BoWClassifier cpu, BoWClassifier gpu, float[] x, double[] w, double[] b, int target,
                                    double lr, String what) {
        int labels = b.length;
        int vocab = x.length;
        double[] z = new double[labels];
        double maxDz = 0;
        for (int o = 0; o < labels; o++) {
            double sumAbs = Math.abs(b[o]);
            z[o] = b[o];
            for (int p = 0; p < vocab; p++) {
                sumAbs += Math.abs(x[p] * w[o * vocab + p]);
                z[o] += x[p] * w[o * vocab + p];
            }
            maxDz = Math.max(maxDz, 2 * Tolerances.dotBound(vocab + 1, sumAbs, F32_U));
        }
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        double norm = 0;
        for (double v : z) {
            max = Math.max(max, v);
            min = Math.min(min, v);
        }
        for (double v : z) norm += Math.exp(v - max);
        double[] dGrad = new double[labels]; // bound on |∂L/∂z_o (CPU) − ∂L/∂z_o (CUDA)|
        double[] grad = new double[labels];
        for (int o = 0; o < labels; o++) {
            double p = Math.exp(z[o] - max) / norm * Math.exp(maxDz); // the larger of the two exact probabilities
            double g = o == target ? -1 : 0;
            grad[o] = p + Math.abs(g);
            dGrad[o] = p * Math.expm1(2 * maxDz)
                    + 2 * Tolerances.logSoftmaxGradBound(F32_U, labels, max - min + 2 * maxDz, p, g, 1);
        }
        double step = (float) lr;
        double[][] cpuNew = {cpu.linear.weight.toDoubleArray(), cpu.linear.bias.toDoubleArray()};
        double[][] gpuNew = {gpu.linear.weight.toDoubleArray(), gpu.linear.bias.toDoubleArray()};
        for (int e = 0; e < cpuNew[0].length; e++) {
            int o = e / vocab;
            double xp = x[e % vocab];
            double dg = xp * dGrad[o] + 2 * F32_U * xp * grad[o];
            double bound = step * dg + Tolerances.gamma(1, F32_U) * (Math.abs(cpuNew[0][e]) + Math.abs(gpuNew[0][e]));
            double diff = Math.abs(cpuNew[0][e] - gpuNew[0][e]);
            assertTrue(diff <= bound, what + ": weight " + e + ": CPU " + cpuNew[0][e] + ", CUDA " + gpuNew[0][e]
                    + ", |Δ| = " + diff + " > " + bound);
        }
        for (int o = 0; o < labels; o++) {
            double bound = step * dGrad[o] + Tolerances.gamma(1, F32_U) * (Math.abs(cpuNew[1][o]) + Math.abs(gpuNew[1][o]));
            double diff = Math.abs(cpuNew[1][o] - gpuNew[1][o]);
            assertTrue(diff <= bound, what + ": bias " + o + ": CPU " + cpuNew[1][o] + ", CUDA " + gpuNew[1][o]
                    + ", |Δ| = " + diff + " > " + bound);
        }
    }
}
