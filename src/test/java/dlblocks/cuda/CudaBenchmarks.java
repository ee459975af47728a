package dlblocks.cuda;

import dlblocks.affine.Linear;
import dlblocks.bow.BagOfWords;
import dlblocks.bow.BoWClassifier;
import dlblocks.bow.Vocabulary;
import dlblocks.loss.NLLLoss;
import dlblocks.optim.SGD;
import dlblocks.random.Generator;
import dlblocks.tensor.Backends;
import dlblocks.tensor.DType;
import dlblocks.tensor.Device;
import dlblocks.tensor.MemoryScope;
import dlblocks.tensor.Storage;
import dlblocks.tensor.Tensor;
import dlblocks.tensor.UnaryOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Speed on a GPU (a program, not a test: timings are not assertions). Prints one {@code BENCH} line per
 * measurement and a {@code TARGET} line per target of issue 4 (on an H200: Linear forward + backward at
 * batch 256, 4096 → 4096 at ≥ 40 TFLOP/s; the tutorial's one-sentence SGD step in ≤ 200 µs).
 *
 * <pre>java -cp ... dlblocks.cuda.CudaBenchmarks</pre>
 */
public final class CudaBenchmarks {
    private CudaBenchmarks() {
    }

    public static void main(String[] args) {
        if (!Backends.cudaIsAvailable()) {
            System.out.println("SKIP CUDA is not available: " + Backends.cudaUnavailableReason());
            return;
        }
        Device cuda = Device.cuda(0);
        CudaBackend gpu = (CudaBackend) Backends.of(cuda);
        System.out.println("GPU " + gpu.deviceName());
        if (Gpu.isEmulator(gpu) && System.getenv("DLBLOCKS_EMULATOR_SKIP_KERNELS") != null) {
            // Launches are checked but not run: what is timed is the host's own share of a step (Java, JCuda
            // and the driver calls), which a GPU cannot make faster.
            System.out.println("SKIP kernels: the emulated driver does not run them; timing the host's share only");
            launchAndCopy(gpu, 100000);
            sgdStep(cuda, gpu, 26, 20000);
            return;
        }
        if (Gpu.isEmulator(gpu)) {
            // Timings of the CPU emulator mean nothing: run each benchmark once, small, to check that it works.
            System.out.println("SKIP timings: the device is the CPU emulator; each benchmark runs once, small");
            linear(cuda, gpu, 8, 64, 1);
            sgemm(gpu, 8, 64, 64, false, true, "sgemm_nt_smoke");
            splitSweep(gpu, 8, 64, 512);
            sgdStep(cuda, gpu, 26, 3);
            launchAndCopy(gpu, 3);
            return;
        }
        double linear = linear(cuda, gpu, 256, 4096, 30);
        sgemm(gpu, 256, 4096, 4096, false, true, "sgemm_nt_256x4096x4096 (Linear forward x·Wᵀ)");
        splitSweep(gpu, 256, 4096, 4096);
        sgemm(gpu, 256, 4096, 4096, false, false, "sgemm_nn_256x4096x4096 (Linear ∂L/∂x = g·W)");
        sgemm(gpu, 4096, 4096, 256, true, false, "sgemm_tn_4096x4096x256 (Linear ∂L/∂W = gᵀ·x)");
        sgemm(gpu, 4096, 4096, 4096, false, false, "sgemm_4096");
        sgemm(gpu, 8192, 8192, 8192, false, false, "sgemm_8192");
        launchAndCopy(gpu, 20000);
        double small = sgdStep(cuda, gpu, 26, 20000);
        double large = sgdStep(cuda, gpu, 71272, 5000);
        sgdStep(Device.CPU, null, 26, 2000);
        sgdStep(Device.CPU, null, 71272, 300);
        target("linear_fwd_bwd >= 40 TFLOP/s", linear >= 40, String.format(Locale.ROOT, "%.1f TFLOP/s", linear));
        target("sgd_step_v26 <= 200 us", small <= 200, String.format(Locale.ROOT, "%.0f us", small));
        target("sgd_step_v71272 <= 200 us", large <= 200, String.format(Locale.ROOT, "%.0f us", large));
    }

    /**
     * The two costs a one-sentence step is made of, each alone: queueing one small kernel (map over 26
     * floats; the host's time, as the GPU runs it later), and a round trip of 26 floats to the GPU and back.
     */
    static void launchAndCopy(CudaBackend gpu, int n) {
        float[] host = new float[26];
        Storage x = gpu.fromFloats(host);
        Storage y = gpu.zeros(DType.FLOAT32, 26);
        for (int round = 0; round < 2; round++) { // the first round warms up
            gpu.synchronize();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) gpu.map(UnaryOp.EXP, 0, x, y);
            long t1 = System.nanoTime();
            gpu.synchronize();
            long t2 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Storage s = gpu.fromFloats(host);
                gpu.toFloats(s);
                s.release();
            }
            long t3 = System.nanoTime();
            if (round == 1) {
                System.out.printf(Locale.ROOT, "BENCH launch_map_26 %.2f us per launch (queued; %.2f us with the "
                        + "final wait)%n", (t1 - t0) / 1e3 / n, (t2 - t0) / 1e3 / n);
                System.out.printf(Locale.ROOT, "BENCH round_trip_26 %.2f us per copy to the GPU and back%n",
                        (t3 - t2) / 1e3 / n);
            }
        }
        x.release();
        y.release();
    }

    static void target(String what, boolean met, String value) {
        System.out.println("TARGET " + what + ": " + (met ? "MET" : "MISSED") + " (" + value + ")");
    }

    /**
     * Linear(features, features) forward and backward on a batch, {@code n} timed iterations: 3 products
     * of 2·batch·features² flops each (for the target: batch 256, 4096 features).
     */
    static double linear(Device cuda, CudaBackend gpu, int batch, int features, int n) {
        Generator g = new Generator(1);
        Linear lin = new Linear(features, features, true, g);
        lin.to(cuda);
        Tensor x = Tensor.randn(g, batch, features).to(cuda).requiresGrad_(true);
        Tensor upstream = Tensor.randn(g, batch, features).to(cuda);
        Runnable iteration = () -> {
            try (MemoryScope scope = MemoryScope.open()) {
                lin.zeroGrad();
                if (x.grad() != null) {
                    x.grad().storage().release();
                    x.setGrad(null);
                }
                lin.forward(x).backward(upstream);
            }
        };
        for (int i = 0; i < Math.min(5, n); i++) iteration.run();
        gpu.synchronize();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) iteration.run();
        gpu.synchronize();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double tflops = 3.0 * 2 * batch * features * features * n / seconds / 1e12;
        System.out.printf(Locale.ROOT, "BENCH linear_fwd_bwd_%dx%dx%d %.1f TFLOP/s (%.0f us per iteration)%n", batch,
                features, features, tflops, seconds / n * 1e6);
        return tflops;
    }

    /** One product through the backend, timed over repetitions after a warm-up. */
    static void sgemm(CudaBackend gpu, int m, int n, int k, boolean transA, boolean transB, String name) {
        sgemm(gpu, m, n, k, transA, transB, null, name);
    }

    /**
     * The Linear forward product x·Wᵀ launched with K cut into 1, 2, 4, 8 and 16 chunks (the backend
     * chooses one of these, see {@link MatmulPlan#of}): which split fills this GPU best.
     */
    static void splitSweep(CudaBackend gpu, int m, int n, int k) {
        for (int splits = 1; splits <= 16; splits *= 2) {
            MatmulPlan plan = MatmulPlan.withSplits(m, n, k, splits);
            sgemm(gpu, m, n, k, false, true, plan, "sgemm_nt_" + m + "x" + n + "x" + k + "_splits_" + plan.splits()
                    + " (" + (long) plan.gridX() * plan.gridY() * plan.splits() + " blocks)");
        }
    }

    /** As above, launched as {@code plan} says (null: as matmul chooses). */
    static void sgemm(CudaBackend gpu, int m, int n, int k, boolean transA, boolean transB, MatmulPlan plan,
            String name) {
        Generator g = new Generator(2);
        Storage a = gpu.fromFloats(g.randn(m * k));
        Storage b = gpu.fromFloats(g.randn(k * n));
        Storage out = gpu.zeros(DType.FLOAT32, m * n);
        Runnable product = plan == null
                ? () -> gpu.matmul(a, transA, b, transB, m, k, n, null, out)
                : () -> gpu.sgemm((CudaStorage) a, transA, (CudaStorage) b, transB, m, k, n, null,
                        (CudaStorage) out, plan);
        product.run();
        gpu.synchronize();
        double flops = 2.0 * m * n * k;
        int reps = (int) Math.max(3, Math.min(50, 2e12 / flops));
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) product.run();
        gpu.synchronize();
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "BENCH %s %.1f TFLOP/s (%.0f us per product)%n", name, flops * reps / seconds / 1e12,
                seconds / reps * 1e6);
        a.release();
        b.release();
        out.release();
        gpu.emptyCache();
    }

    /**
     * The tutorial's step for one sentence (tutorial §"Example: Logistic Regression Bag-of-Words
     * classifier"): zeroGrad, make the BoW vector and target and move them to the device, forward,
     * NLLLoss, backward, SGD step; 6 labels, a vocabulary of {@code vocab} words, 10-word sentences.
     * Returns microseconds per step.
     */
    static double sgdStep(Device device, CudaBackend gpu, int vocab, int steps) {
        Generator g = new Generator(3);
        List<List<String>> words = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (int w = 0; w < vocab; w++) all.add("w" + w);
        words.add(all);
        Vocabulary wordToIx = Vocabulary.build(words);
        Vocabulary labelToIx = Vocabulary.of("A", "B", "C", "D", "E", "F");
        List<List<String>> sentences = new ArrayList<>();
        java.util.SplittableRandom r = new java.util.SplittableRandom(4);
        for (int s = 0; s < 64; s++) {
            List<String> sentence = new ArrayList<>();
            for (int w = 0; w < 10; w++) sentence.add("w" + r.nextInt(vocab));
            sentences.add(sentence);
        }
        BoWClassifier model = new BoWClassifier(6, vocab, g);
        model.to(device);
        SGD optimizer = new SGD(model.parameters(), 0.1);
        NLLLoss lossFunction = new NLLLoss();
        int[] i = {0};
        Runnable step = () -> {
            try (MemoryScope scope = MemoryScope.open()) {
                int s = i[0]++ % sentences.size();
                model.zeroGrad();
                Tensor bowVec = BagOfWords.makeBowVector(sentences.get(s), wordToIx).to(device);
                Tensor target = BagOfWords.makeTarget(labelToIx.words().get(s % 6), labelToIx).to(device);
                Tensor loss = lossFunction.forward(model.forward(bowVec), target);
                loss.backward();
                optimizer.step();
            }
        };
        for (int w = 0; w < Math.min(10000, steps); w++) step.run(); // until the JIT has compiled the step
        if (gpu != null) gpu.synchronize();
        long t0 = System.nanoTime();
        for (int w = 0; w < steps; w++) step.run();
        if (gpu != null) gpu.synchronize();
        double us = (System.nanoTime() - t0) / 1e3 / steps;
        System.out.printf(Locale.ROOT, "BENCH sgd_step_v%d_%s %.1f us per step%n", vocab, device, us);
        return us;
    }
}
