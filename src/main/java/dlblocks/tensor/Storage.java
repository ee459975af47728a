package dlblocks.tensor;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A flat block of elements owned by one backend. Tensors are always contiguous and row-major, so a
 * storage plus a shape is the whole tensor; views ({@code view}, {@code reshape}, {@code detach}) share
 * one storage.
 */
public interface Storage {
    DType dtype();

    int numel();

    Device device();

    /**
     * Frees device memory now rather than when the garbage collector finds the storage. CPU storage
     * needs no freeing, so this does nothing there.
     */
    default void release() {
    }

    /**
     * When this storage was made, as a count of the storages made before it: a storage made after
     * {@link #lastSerial()} was read has a larger serial. The autograd engine uses it to tell a gradient
     * that a backward formula has just computed (no one else holds it, so it may become a leaf's
     * {@code .grad} as it is, as PyTorch's AccumulateGrad takes it) from one that existed before. 0, the
     * default, means "made before everything": such a storage is never taken as new.
     */
    default long serial() {
        return 0;
    }

    /** The serial for a storage being made now (backends call this once per storage). */
    static long nextSerial() {
        return Serials.COUNT.incrementAndGet();
    }

    /** The serial of the storage made last, by any thread. */
    static long lastSerial() {
        return Serials.COUNT.get();
    }

    /** The counter behind {@link #nextSerial()}. */
    final class Serials {
        private static final AtomicLong COUNT = new AtomicLong();

        private Serials() {
        }
    }
}
