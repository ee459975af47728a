package dlblocks.cuda;

import dlblocks.tensor.DType;
import dlblocks.tensor.Device;
import dlblocks.tensor.MemoryScope;
import dlblocks.tensor.Storage;
import java.lang.ref.Cleaner;

/**
 * Elements in GPU memory: float32 as 4-byte floats, float64 as doubles, and int64, int32 and bool as
 * 8-byte integers (as the CPU keeps them all in a {@code long[]}).
 *
 * <p>Freeing is deterministic: {@link #release()} (which a closing {@code MemoryScope} calls) gives the
 * memory back at once; any later kernel on this storage fails with an {@link IllegalStateException}. A
 * storage nobody releases is freed by a {@link Cleaner} once the garbage collector finds it unreachable.
 *
 * <p>A storage from {@code zeros} is zero-filled lazily: the {@code cuMemsetD32} runs only if something
 * reads the storage before a kernel has written all of it (most new storages are outputs, which a kernel
 * overwrites at once, so the fill would be wasted).
 *
 * <p>An integer storage made from host values remembers them until a kernel writes it, so reading it
 * back costs no copy and no wait for the GPU: a loss reads its targets (class indices) to check them.
 */
public final class CudaStorage implements Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final CudaBackend backend;
    private final DType dtype;
    private final int numel;
    private final DeviceMemory.Block block; // null when numel is 0
    private final Cleaner.Cleanable cleanable;
    private volatile boolean released;
    private boolean zeroPending;
    private final long serial = Storage.nextSerial();
    private long[] hostValues;

    CudaStorage(CudaBackend backend, DType dtype, int numel, boolean zeroPending) {
        this.backend = backend;
        this.dtype = dtype;
        this.numel = numel;
        this.block = numel == 0 ? null : backend.memory().allocate(bytes(dtype, numel));
        this.zeroPending = zeroPending;
        DeviceMemory memory = backend.memory();
        DeviceMemory.Block b = block; // the cleaning action must not refer to this storage
        this.cleanable = b == null ? null : CLEANER.register(this, () -> memory.free(b));
        MemoryScope.track(this); // made now: the innermost open scope frees it when it closes
    }

    /** Bytes for numel elements of dtype: 4 for float32, 8 for everything else. */
    static long bytes(DType dtype, int numel) {
        return (long) numel * (dtype == DType.FLOAT32 ? 4 : 8);
    }

    @Override
    public long serial() {
        return serial;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int numel() {
        return numel;
    }

    @Override
    public Device device() {
        return backend.device();
    }

    /** The bytes of device memory the elements take. */
    public long byteSize() {
        return bytes(dtype, numel);
    }

    /** Frees the device memory now. Safe to call more than once. */
    @Override
    public void release() {
        released = true;
        if (cleanable != null) {
            cleanable.clean(); // runs the free at most once
        }
    }

    public boolean isReleased() {
        return released;
    }

    /** The device address, for a kernel that reads this storage (zero-filling it first if pending). */
    DevicePointer input() {
        DevicePointer p = pointer();
        if (zeroPending) {
            zeroPending = false;
            backend.fillWords(p, 0, byteSize() / 4);
        }
        return p;
    }

    /** The device address, for a kernel that overwrites every element of this storage. */
    DevicePointer output() {
        DevicePointer p = pointer();
        zeroPending = false;
        hostValues = null;
        return p;
    }

    /** The device address, for a kernel that reads and then changes elements (+=). */
    DevicePointer inPlace() {
        DevicePointer p = input();
        hostValues = null;
        return p;
    }

    /** Remembers the values just uploaded (the caller's own array, which no one else changes). */
    void rememberHostValues(long[] values) {
        hostValues = values;
    }

    /** The values as uploaded from the host, if no kernel has written this storage since; else null. */
    long[] hostValues() {
        return released ? null : hostValues;
    }

    private DevicePointer pointer() {
        if (released) {
            throw new IllegalStateException("this CUDA tensor's memory was freed (by a MemoryScope that closed, or "
                    + "by release()); it cannot be used any more; keep it with MemoryScope.keep(t) to use it later");
        }
        return block == null ? new DevicePointer() : block.pointer;
    }
}
