package dlblocks.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dlblocks.tensor.Backends;
import dlblocks.tensor.Device;
import java.util.stream.Stream;

/** What the CUDA tests share: the device, skipped with the provider's reason where there is no GPU. */
final class Gpu {
    private Gpu() {
    }

    /** cuda:0, or the test is skipped (not failed) with the reason CUDA cannot be used. */
    static Device cuda() {
        assumeTrue(Backends.cudaIsAvailable(), () -> "CUDA is not available: " + Backends.cudaUnavailableReason());
        return Device.cuda(0);
    }

    static CudaBackend backend() {
        return (CudaBackend) Backends.of(cuda());
    }

    /**
     * Whether the "GPU" is the CPU emulator of src/test/cuda/emulated_driver.cpp, which runs the kernels
     * thousands of times slower than a GPU: the few tests whose sizes it cannot afford use smaller ones there.
     */
    static boolean isEmulator(CudaBackend backend) {
        return backend.deviceName().startsWith("dlblocks CPU emulator");
    }

    /** The devices a cross-backend property runs on: the CPU always, cuda:0 where there is one. */
    static Stream<String> devices() {
        return Stream.of("cpu", "cuda:0");
    }

    /** The device named by {@link #devices()}, skipping the test if it is CUDA and there is none. */
    static Device use(String name) {
        Device d = Device.parse(name);
        return d.isCuda() ? cuda() : d;
    }
}
