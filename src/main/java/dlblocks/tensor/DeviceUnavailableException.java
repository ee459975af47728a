package dlblocks.tensor;

/** Asking for a device this machine cannot use, e.g. CUDA with no driver or no GPU. */
public final class DeviceUnavailableException extends RuntimeException {
    public DeviceUnavailableException(String message) {
        super(message);
    }
}
