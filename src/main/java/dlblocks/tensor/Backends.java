package dlblocks.tensor;

import java.util.ServiceLoader;

/**
 * Finds the backend for a device. The CPU backend is always here. A CUDA backend is found with
 * {@link ServiceLoader}: the {@code cuda} package registers a {@link CudaProvider} in
 * {@code META-INF/services}, so {@code tensor} never imports {@code cuda}.
 */
public final class Backends {
    /** What the {@code cuda} package provides; looked up once. */
    public interface CudaProvider {
        /** Whether a CUDA driver and at least one device can be used. */
        boolean isAvailable();

        /** Why CUDA cannot be used, in one sentence for a user (meaningful when not available). */
        String unavailableReason();

        int deviceCount();

        /** The backend for device {@code index}. */
        Backend backend(int index);
    }

    private static volatile CudaProvider cuda;
    private static volatile boolean looked;

    private Backends() {
    }

    /**
     * The CPU backend in use: {@link FastCpuBackend}, proven equal to the reference; running with
     * {@code -Ddlblocks.cpu=reference} uses the plain {@link CpuBackend} instead.
     */
    private static final Backend CPU = "reference".equals(System.getProperty("dlblocks.cpu"))
            ? CpuBackend.INSTANCE : FastCpuBackend.INSTANCE;

    /** The backend that owns storage on {@code device}. */
    public static Backend of(Device device) {
        if (!device.isCuda()) {
            return CPU;
        }
        CudaProvider provider = cudaProvider();
        if (provider == null) {
            throw new DeviceUnavailableException("CUDA is not available: dlblocks was built without its CUDA backend");
        }
        if (!provider.isAvailable()) {
            throw new DeviceUnavailableException("CUDA is not available: " + provider.unavailableReason());
        }
        if (device.index() >= provider.deviceCount()) {
            throw new DeviceUnavailableException("CUDA error: invalid device ordinal " + device.index()
                    + " (this machine has " + provider.deviceCount() + " CUDA device(s))");
        }
        return provider.backend(device.index());
    }

    /** {@code torch.cuda.is_available()}. */
    public static boolean cudaIsAvailable() {
        CudaProvider provider = cudaProvider();
        return provider != null && provider.isAvailable();
    }

    /** Why CUDA cannot be used, or the empty string when it can. */
    public static String cudaUnavailableReason() {
        CudaProvider provider = cudaProvider();
        if (provider == null) return "dlblocks was built without its CUDA backend";
        return provider.isAvailable() ? "" : provider.unavailableReason();
    }

    private static CudaProvider cudaProvider() {
        if (!looked) {
            synchronized (Backends.class) {
                if (!looked) {
                    try {
                        cuda = ServiceLoader.load(CudaProvider.class).findFirst().orElse(null);
                    } catch (java.util.ServiceConfigurationError | LinkageError e) {
                        // A broken class path (a missing JCuda jar, say) means no CUDA, not a crash.
                        cuda = null;
                    }
                    looked = true;
                }
            }
        }
        return cuda;
    }
}
