package dlblocks.cuda;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import jcuda.CudaException;

/**
 * The device memory of one GPU, with a cache of freed blocks, as PyTorch's CUDA allocator has one.
 *
 * <p>{@code cuMemAlloc} and {@code cuMemFree} are slow (the latter waits for the whole GPU), and a
 * training step makes and frees dozens of small tensors. So a freed block goes into a cache, by size,
 * and the next request of that size takes it back. This is safe because all work runs in order on one
 * stream: a kernel that will write the reused block is queued after every kernel that read it before.
 * Sizes are rounded up to a power of two (at least 512 bytes) so that blocks fit many requests.
 *
 * <p>{@link #liveBytes()} counts the bytes of storages not yet freed ({@code torch.cuda.memory_allocated});
 * {@link #reservedBytes()} adds the cached blocks ({@code memory_reserved}); {@link #emptyCache()}
 * returns the cached blocks to the driver ({@code torch.cuda.empty_cache}).
 */
final class DeviceMemory {
    /** A block of device memory held by one storage. */
    static final class Block {
        final DevicePointer pointer;
        final long size;
        final long bytes;
        private boolean freed;

        private Block(DevicePointer pointer, long size, long bytes) {
            this.pointer = pointer;
            this.size = size;
            this.bytes = bytes;
        }
    }

    private final Map<Long, ArrayDeque<DevicePointer>> cache = new HashMap<>();
    private long live;
    private long liveRounded;
    private long cached;

    /** A block of at least {@code bytes} (≥ 1); the caller's CUDA context must be current. */
    synchronized Block allocate(long bytes) {
        long size = Math.max(512, Long.highestOneBit(bytes - 1) << 1);
        ArrayDeque<DevicePointer> free = cache.get(size);
        DevicePointer pointer = free == null ? null : free.poll();
        if (pointer != null) {
            cached -= size;
        } else {
            pointer = fromDriver(size);
        }
        live += bytes;
        liveRounded += size;
        return new Block(pointer, size, bytes);
    }

    /** Puts a block back in the cache; the second and later calls for one block do nothing. Any thread. */
    synchronized void free(Block block) {
        if (block.freed) {
            return;
        }
        block.freed = true;
        live -= block.bytes;
        liveRounded -= block.size;
        cached += block.size;
        cache.computeIfAbsent(block.size, s -> new ArrayDeque<>()).push(block.pointer);
    }

    synchronized boolean isFreed(Block block) {
        return block.freed;
    }

    /** Frees every cached block with {@code cuMemFree}; the caller's CUDA context must be current. */
    synchronized void emptyCache() {
        for (ArrayDeque<DevicePointer> blocks : cache.values()) {
            for (DevicePointer p : blocks) {
                cuMemFree(p);
            }
        }
        cache.clear();
        cached = 0;
    }

    synchronized long liveBytes() {
        return live;
    }

    synchronized long reservedBytes() {
        return liveRounded + cached;
    }

    private DevicePointer fromDriver(long size) {
        DevicePointer pointer = new DevicePointer();
        try {
            cuMemAlloc(pointer, size);
        } catch (CudaException e) {
            emptyCache(); // out of memory, perhaps only because of the cache: try once more without it
            try {
                cuMemAlloc(pointer, size);
            } catch (CudaException again) {
                throw new IllegalStateException("CUDA out of memory: tried to allocate " + size + " bytes with "
                        + live + " bytes in use (" + again.getMessage() + ")", again);
            }
        }
        return pointer;
    }
}
