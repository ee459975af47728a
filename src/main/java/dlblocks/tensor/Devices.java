package dlblocks.tensor;

/** The device check that every operation on two or more tensors makes, with PyTorch's message. */
public final class Devices {
    private Devices() {
    }

    /**
     * Throws {@code "Expected all tensors to be on the same device, but found at least two devices,
     * cuda:0 and cpu!"} (naming a's device first) unless a and b live on the same device.
     */
    public static void same(Tensor a, Tensor b) {
        Arithmetic.sameDevice(a, b);
    }
}
