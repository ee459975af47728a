package dlblocks.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * A device address that Java can read as a number ({@link KernelArguments} writes it where the driver reads
 * kernel arguments). {@code cuMemAlloc} fills it in as it fills any {@link CUdeviceptr}; JCuda keeps the
 * number protected, which a subclass may read.
 */
final class DevicePointer extends CUdeviceptr {
    /** The null pointer, for a kernel's optional argument (an absent bias). */
    static final DevicePointer NULL = new DevicePointer();

    /** The address; 0 for a pointer nothing was allocated to. */
    long address() {
        return getNativePointer();
    }
}
