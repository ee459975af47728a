package dlblocks.autograd;

/**
 * The twin of {@code with torch.no_grad():} — inside the block no graph is recorded, so results have
 * no {@code grad_fn} and cost no memory for backward:
 *
 * <pre>{@code
 * try (NoGrad scope = new NoGrad()) {
 *     Tensor logProbs = model.forward(bowVector);
 * }
 * }</pre>
 *
 * Scopes nest; closing one restores the mode that was in force when it opened.
 */
public final class NoGrad implements AutoCloseable {
    private final boolean previous;
    private final Thread owner = Thread.currentThread();

    public NoGrad() {
        previous = GradMode.set(false);
    }

    @Override
    public void close() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a NoGrad scope must be closed on the thread that opened it");
        }
        GradMode.set(previous);
    }
}
