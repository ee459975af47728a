package dlblocks.cuda;

import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuInit;

import dlblocks.tensor.Backend;
import dlblocks.tensor.Backends;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcuda.CudaException;
import jcuda.driver.JCudaDriver;

/**
 * How {@code dlblocks.tensor.Backends} finds the CUDA backend without importing this package: it is
 * registered in {@code META-INF/services/dlblocks.tensor.Backends$CudaProvider} and found with
 * {@link java.util.ServiceLoader}.
 *
 * <p>CUDA is available when JCuda's native library loads (which needs the NVIDIA driver's
 * {@code libcuda.so.1}), {@code cuInit} succeeds and the driver reports at least one device. Otherwise
 * {@link #unavailableReason()} says why in one sentence. Nothing here runs until CUDA is asked for, so a
 * machine without a GPU never loads native code.
 */
public final class CudaProvider implements Backends.CudaProvider {
    /** The outcome of the one check: a reason (null when available) and the device count. */
    private record Probe(String reason, int devices) {
    }

    private static volatile Probe probe;
    private static final Map<Integer, CudaBackend> BACKENDS = new ConcurrentHashMap<>();

    /** For {@link java.util.ServiceLoader}. */
    public CudaProvider() {
    }

    @Override
    public boolean isAvailable() {
        return probe().reason() == null;
    }

    @Override
    public String unavailableReason() {
        String reason = probe().reason();
        return reason == null ? "" : reason;
    }

    @Override
    public int deviceCount() {
        return probe().devices();
    }

    @Override
    public Backend backend(int index) {
        if (!isAvailable()) {
            throw new IllegalStateException("CUDA is not available: " + unavailableReason());
        }
        return BACKENDS.computeIfAbsent(index, CudaBackend::new);
    }

    private static Probe probe() {
        Probe p = probe;
        if (p == null) {
            synchronized (CudaProvider.class) {
                if (probe == null) {
                    probe = check();
                }
                p = probe;
            }
        }
        return p;
    }

    private static Probe check() {
        try {
            JCudaDriver.setExceptionsEnabled(true);
            cuInit(0);
            int[] count = new int[1];
            cuDeviceGetCount(count);
            if (count[0] < 1) {
                return new Probe("the CUDA driver reports no CUDA device", 0);
            }
            return new Probe(null, count[0]);
        } catch (CudaException e) {
            return new Probe("the CUDA driver could not start (" + e.getMessage() + ")", 0);
        } catch (LinkageError e) {
            return new Probe(describeLoadFailure(e), 0);
        }
    }

    private static final Pattern MISSING_LIBRARY =
            Pattern.compile("(lib[\\w.+-]+\\.so[\\w.]*): cannot open shared object file");

    /**
     * One sentence for a failure to load JCuda's native library. JCuda's own message holds whole stack
     * traces; the useful part is usually the system library that could not be found.
     */
    static String describeLoadFailure(Throwable e) {
        String message = String.valueOf(e.getMessage());
        Matcher m = MISSING_LIBRARY.matcher(message);
        while (m.find()) {
            if (!m.group(1).startsWith("libJCuda")) {
                String lib = m.group(1);
                return lib.startsWith("libcuda.")
                        ? "the NVIDIA driver library " + lib + " was not found (no NVIDIA driver is installed)"
                        : "the library " + lib + " that JCuda needs was not found";
            }
        }
        if (e instanceof NoClassDefFoundError) {
            return "JCuda could not be loaded (" + firstLine(message) + ")";
        }
        return "JCuda's native library could not be loaded (" + firstLine(message) + ")";
    }

    private static String firstLine(String message) {
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).trim();
    }
}
