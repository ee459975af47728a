package dlblocks.autograd;

/**
 * Whether operations record the graph, per thread: the twin of {@code torch.is_grad_enabled()}.
 * {@link NoGrad} turns recording off for a block.
 */
public final class GradMode {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> Boolean.TRUE);

    private GradMode() {
    }

    public static boolean isEnabled() {
        return ENABLED.get();
    }

    /** Sets the mode and returns the previous one. */
    public static boolean set(boolean enabled) {
        boolean previous = ENABLED.get();
        ENABLED.set(enabled);
        return previous;
    }
}
