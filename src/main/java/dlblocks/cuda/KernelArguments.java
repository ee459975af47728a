package dlblocks.cuda;

import static jcuda.driver.JCudaDriver.cuMemAllocHost;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import jcuda.Pointer;

/**
 * The arguments of a kernel launch, written where {@code cuLaunchKernel} reads them.
 *
 * <p>{@code cuLaunchKernel} takes {@code void** kernelParams}: for each kernel parameter, the address of
 * its value. Given as Java objects ({@code Pointer.to(new int[] {n})} for each int, and so on), JCuda
 * converts every argument through JNI on every launch: about 6 µs a launch, against under 1 µs this way
 * (measured with the emulated driver's launches, which do no work), and a training step launches dozens
 * of kernels. So the values and the array of their addresses live in one small block of pinned host
 * memory, allocated once per GPU: a launch writes the values, each aligned as C aligns it (8 bytes for
 * pointers and doubles, 4 for ints and the {@code Layout} struct of ints), writes their addresses, and
 * passes JCuda one pointer to that array. The driver copies the values when it launches the kernel, so
 * the block can be rewritten for the next launch at once.
 */
final class KernelArguments {
    private static final int MAX_VALUE_BYTES = 512;
    private static final int MAX_PARAMETERS = 16;
    private static final int ADDRESSES = MAX_VALUE_BYTES; // the void*[] follows the values

    private final ByteBuffer block;
    private final long base;
    private final Pointer kernelParams;

    /** Allocates the block; the GPU's context must be current. */
    KernelArguments() {
        HostPointer host = new HostPointer();
        int bytes = MAX_VALUE_BYTES + 8 * MAX_PARAMETERS;
        cuMemAllocHost(host, bytes); // freed with the process: one block per GPU, for the program's lifetime
        this.base = host.address();
        this.block = host.getByteBuffer(0, bytes).order(ByteOrder.nativeOrder());
        this.kernelParams = host.withByteOffset(ADDRESSES);
    }

    /**
     * Writes {@code args} for {@code kernel} and returns the {@code kernelParams} to launch it with. The
     * caller launches before writing again (CudaBackend holds the lock on this object for both).
     */
    Pointer write(Kernel kernel, Object... args) {
        check(kernel, args);
        List<String> kinds = kernel.params();
        int offset = 0;
        for (int i = 0; i < args.length; i++) {
            String kind = kinds.get(i);
            offset = align(offset, kind.equals("ptr") || kind.equals("f64") ? 8 : 4);
            block.putLong(ADDRESSES + 8 * i, base + offset); // where the driver finds argument i
            switch (kind) {
                case "ptr":
                    block.putLong(offset, ((DevicePointer) args[i]).address());
                    offset += 8;
                    break;
                case "f64":
                    block.putDouble(offset, (Double) args[i]);
                    offset += 8;
                    break;
                case "i32":
                    block.putInt(offset, (Integer) args[i]);
                    offset += 4;
                    break;
                default: // layout: ints, one after another
                    for (int v : (int[]) args[i]) {
                        block.putInt(offset, v);
                        offset += 4;
                    }
            }
        }
        return kernelParams;
    }

    /** Refuses arguments that do not match the kernel's declared parameters (which PtxTest checks against the PTX). */
    static void check(Kernel kernel, Object... args) {
        List<String> kinds = kernel.params();
        if (args.length != kinds.size()) {
            throw new IllegalArgumentException(kernel.entry() + " takes " + kinds.size() + " parameters, got " + args.length);
        }
        for (int i = 0; i < args.length; i++) {
            Object arg = args[i];
            String kind = kinds.get(i);
            boolean ok = kind.equals("ptr") ? arg instanceof DevicePointer
                    : kind.equals("i32") ? arg instanceof Integer
                    : kind.equals("f64") ? arg instanceof Double
                    : arg instanceof int[] && ((int[]) arg).length == Layouts.INTS;
            if (!ok) {
                throw new IllegalArgumentException(kernel.entry() + " parameter " + i + " must be " + kind + ", got "
                        + (arg == null ? "null" : arg.getClass().getSimpleName()));
            }
        }
    }

    private static int align(int offset, int alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }

    /** Pinned host memory whose address Java can read (JCuda keeps it protected; a subclass may read it). */
    private static final class HostPointer extends Pointer {
        long address() {
            return getNativePointer();
        }
    }
}
