package dlblocks.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlblocks.spec.Spec;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Memory scopes free device storage when they close. A GPU is not needed to check the bookkeeping: a
 * storage that claims to live on {@code cuda:0} and counts its releases stands in for device memory (no
 * kernel ever runs on it).
 */
class MemoryScopeTest {

    /** Device memory as a scope sees it: a storage on cuda:0 that counts how often it is freed. */
    private static final class CountingStorage implements Storage {
        private final Device device;
        int released;

        CountingStorage(Device device) {
            this.device = device;
        }

        @Override
        public DType dtype() {
            return DType.FLOAT32;
        }

        @Override
        public int numel() {
            return 2;
        }

        @Override
        public Device device() {
            return device;
        }

        @Override
        public void release() {
            released++;
        }
    }

    /** Device storage made now, as a backend makes it (and tells the innermost open scope). */
    private static CountingStorage onDevice() {
        CountingStorage s = new CountingStorage(Device.cuda(0));
        MemoryScope.track(s);
        return s;
    }

    @Test
    @Spec("TENSOR-MEMORY-SCOPE-FREES-AT-CLOSE")
    void deviceStorageMadeInsideAScopeIsFreedOnceWhenItCloses() {
        CountingStorage before = onDevice();
        Tensor parameter = Tensor.wrap(before, 2);
        CountingStorage inside;
        try (MemoryScope scope = MemoryScope.open()) {
            inside = onDevice();
            Tensor.wrap(inside, 2);
            Tensor.wrap(inside, 1, 2); // a second tensor over the same storage
            parameter.detach();
            parameter.view(1, 2); // tensors made inside over storage made before
            assertEquals(0, inside.released, "nothing is freed while the scope is open");
        }
        assertEquals(1, inside.released, "freed exactly once");
        assertEquals(0, before.released, "storage made before the scope opened is not the scope's, even when "
                + "a view or a detach of it is made inside");
    }

    @Test
    @Spec("TENSOR-MEMORY-SCOPE-FREES-AT-CLOSE")
    void hostStorageIsNeverTracked() {
        CountingStorage host;
        try (MemoryScope scope = MemoryScope.open()) {
            host = new CountingStorage(Device.CPU);
            MemoryScope.track(host);
            Tensor.wrap(host, 2);
        }
        assertEquals(0, host.released);
    }

    @Test
    @Spec("TENSOR-MEMORY-SCOPE-FREES-AT-CLOSE")
    void aKeptTensorPassesToTheEnclosingScopeOrBecomesLongLived() {
        CountingStorage passed;
        CountingStorage kept;
        try (MemoryScope outer = MemoryScope.open()) {
            try (MemoryScope inner = MemoryScope.open()) {
                passed = onDevice();
                Tensor t = Tensor.wrap(passed, 2);
                assertSame(t, inner.keep(t), "keep returns its argument");
            }
            assertEquals(0, passed.released, "kept past the inner scope");
        }
        assertEquals(1, passed.released, "and freed by the outer one");
        try (MemoryScope only = MemoryScope.open()) {
            kept = onDevice();
            only.keep(Tensor.wrap(kept, 2));
        }
        assertEquals(0, kept.released, "with no enclosing scope, a kept tensor is long-lived");
    }

    @Test
    @Spec("TENSOR-MEMORY-SCOPE-FREES-AT-CLOSE")
    void parameterDataAndGradientsAreLongLived() {
        CountingStorage data;
        CountingStorage grad;
        CountingStorage persisted;
        Tensor parameter = Tensor.wrap(onDevice(), 2);
        try (MemoryScope outer = MemoryScope.open()) {
            try (MemoryScope inner = MemoryScope.open()) {
                data = onDevice();
                grad = onDevice();
                persisted = onDevice();
                parameter.setData(Tensor.wrap(data, 2));
                parameter.setGrad(Tensor.wrap(grad, 2));
                Tensor.wrap(persisted, 2);
                MemoryScope.persist(persisted);
            }
        }
        assertEquals(0, data.released, "a parameter's data (setData)");
        assertEquals(0, grad.released, "a gradient (setGrad)");
        assertEquals(0, persisted.released, "anything persisted, by every open scope");
        assertSame(data, parameter.storage());
    }

    @Test
    @Spec("TENSOR-MEMORY-SCOPE-FREES-AT-CLOSE")
    void scopesCloseInnermostFirstOnTheirOwnThread() throws InterruptedException {
        MemoryScope outer = MemoryScope.open();
        MemoryScope inner = MemoryScope.open();
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
            assertEquals("memory scopes must be closed on their thread, innermost first", e.getMessage());
            AtomicReference<Throwable> fromOtherThread = new AtomicReference<>();
            Thread other = new Thread(() -> {
                try {
                    inner.close();
                } catch (Throwable t) {
                    fromOtherThread.set(t);
                }
            });
            other.start();
            other.join();
            assertEquals(IllegalStateException.class, fromOtherThread.get().getClass());
        } finally {
            inner.close();
            outer.close();
        }
        inner.close(); // closing again does nothing
        outer.close();
        CountingStorage after;
        try (MemoryScope fresh = MemoryScope.open()) {
            after = onDevice();
        }
        assertEquals(1, after.released, "the thread's scopes were restored: a new one works as usual");
    }
}
