package dlblocks.tensor;

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
}
