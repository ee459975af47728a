package dlblocks.loss;

/** How a loss combines the per-example losses: PyTorch's {@code reduction='none'|'mean'|'sum'}. */
public enum Reduction {
    /** One loss per example. */
    NONE,
    /** The (weighted) mean: Σᵢ wᵢℓᵢ / Σᵢ wᵢ. */
    MEAN,
    /** The sum: Σᵢ wᵢℓᵢ. */
    SUM;

    /** Parses PyTorch's spelling: "none", "mean" or "sum". */
    public static Reduction parse(String s) {
        switch (s) {
            case "none": return NONE;
            case "mean": return MEAN;
            case "sum": return SUM;
            default: throw new IllegalArgumentException(s + " is not a valid value for reduction (none, mean, sum)");
        }
    }
}
