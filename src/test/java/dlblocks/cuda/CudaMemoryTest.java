package dlblocks.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlblocks.bow.BoWClassifier;
import dlblocks.loss.NLLLoss;
import dlblocks.optim.Adam;
import dlblocks.optim.Optimizer;
import dlblocks.optim.SGD;
import dlblocks.random.Generator;
import dlblocks.spec.Spec;
import dlblocks.tensor.DType;
import dlblocks.tensor.Device;
import dlblocks.tensor.MemoryScope;
import dlblocks.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Device memory is freed when the program says so: a training loop whose steps run in MemoryScopes
 * holds exactly the same number of bytes after every step, and a freed tensor cannot be used again.
 * Skipped, with the reason, where there is no GPU.
 */
class CudaMemoryTest {
    private Device cuda;
    private CudaBackend backend;

    @BeforeEach
    void needsCuda() {
        cuda = Gpu.cuda();
        backend = Gpu.backend();
    }

    /** One step of the tutorial's loop, inside a scope; returns the loss (read before the scope closes). */
    static double step(BoWClassifier model, Optimizer optimizer, float[] bow, long target, Device device) {
        try (MemoryScope scope = MemoryScope.open()) {
            model.zeroGrad();
            Tensor logProbs = model.forward(Tensor.fromFloats(bow, 1, bow.length).to(device));
            Tensor loss = new NLLLoss().forward(logProbs, Tensor.longs(target).to(device));
            loss.backward();
            optimizer.step();
            return loss.item();
        }
    }

    /**
     * Allocated bytes once the garbage of earlier tests has been collected (their storages are freed by
     * the Cleaner, asynchronously): collects until the count stops changing.
     */
    long settled() throws InterruptedException {
        long last = -1;
        for (int i = 0; i < 50 && backend.allocatedBytes() != last; i++) {
            last = backend.allocatedBytes();
            System.gc();
            Thread.sleep(40);
        }
        return backend.allocatedBytes();
    }

    @Test
    @Spec("CUDA-MEMORY-RETURNS-TO-BASELINE")
    void aTrainingLoopInMemoryScopesReturnsAllocatedBytesToTheBaselineAfterEveryStep() throws InterruptedException {
        for (boolean adam : new boolean[] {false, true}) {
            SplittableRandom r = new SplittableRandom(adam ? 2 : 1);
            int vocab = 5000;
            long empty = settled();
            BoWClassifier model = new BoWClassifier(6, vocab, new Generator(1));
            model.to(cuda);
            Optimizer optimizer = adam ? new Adam(model.parameters()) : new SGD(model.parameters(), 0.1);
            float[] bow = new float[vocab];
            bow[r.nextInt(vocab)] = 1;
            step(model, optimizer, bow, 0, cuda); // the first step makes the gradients and the optimiser's state
            long parameters = 4L * (6 * vocab + 6);
            long baseline = backend.allocatedBytes();
            assertEquals((adam ? 4 : 2) * parameters, baseline - empty,
                    "after a step: parameters, gradients" + (adam ? " and Adam's two averages" : "") + ", nothing else");
            for (int i = 0; i < 50; i++) {
                bow[r.nextInt(vocab)] += 1;
                double loss = step(model, optimizer, bow, r.nextInt(6), cuda);
                assertTrue(Double.isFinite(loss));
                assertEquals(baseline, backend.allocatedBytes(), (adam ? "Adam" : "SGD") + " step " + i
                        + ": bytes still allocated after the scope closed");
            }
            model.zeroGrad(); // frees the gradients at once
            assertEquals(baseline - parameters, backend.allocatedBytes(), "zeroGrad gives back the gradients' bytes");
            for (dlblocks.module.Parameter p : model.parameters()) {
                p.storage().release();
            }
        }
    }

    @Test
    @Spec("CUDA-MEMORY-RETURNS-TO-BASELINE")
    void releasingAStorageFreesItsBytesOnceAndAScopeFreesWhatItMade() {
        long before = backend.allocatedBytes();
        Tensor t = Tensor.zeros(DType.FLOAT64, cuda, 1000);
        assertEquals(before + 8000, backend.allocatedBytes());
        t.storage().release();
        t.storage().release(); // a second release does nothing
        assertEquals(before, backend.allocatedBytes());
        Tensor kept;
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor a = Tensor.randn(new Generator(3), 300).to(cuda);
            kept = scope.keep(a.mul(2));
            assertTrue(backend.allocatedBytes() >= before + 2 * 1200);
        }
        assertEquals(before + 1200, backend.allocatedBytes(), "only the kept tensor survives the scope");
        assertEquals(300, kept.toFloatArray().length);
        kept.storage().release();
        assertEquals(before, backend.allocatedBytes());
        backend.emptyCache();
        assertEquals(before, backend.allocatedBytes(), "emptying the cache frees no live storage");
    }

    @Test
    @Spec("CUDA-FREED-MEMORY-IS-AN-ERROR")
    void aTensorWhoseMemoryWasFreedCannotBeUsedAgain() {
        Tensor escaped;
        try (MemoryScope scope = MemoryScope.open()) {
            escaped = Tensor.of(1, 2, 3).to(cuda).mul(2);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> escaped.add(escaped));
        assertTrue(e.getMessage().contains("memory was freed"), e.getMessage());
        assertThrows(IllegalStateException.class, escaped::toDoubleArray);
        assertTrue(((CudaStorage) escaped.storage()).isReleased());
    }

    @Test
    @Spec("CUDA-MEMORY-RETURNS-TO-BASELINE")
    void storagesNobodyReleasesAreFreedOnceUnreachable() throws InterruptedException {
        long before = settled(); // not counting the garbage earlier tests left for the Cleaner
        for (int i = 0; i < 20; i++) {
            Tensor.zeros(DType.FLOAT32, cuda, 1 << 16); // dropped at once
        }
        for (int i = 0; i < 100 && backend.allocatedBytes() > before; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(before, backend.allocatedBytes(), "the Cleaner frees storages the garbage collector finds");
    }
}
