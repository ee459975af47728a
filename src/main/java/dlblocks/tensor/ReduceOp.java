package dlblocks.tensor;

/** Reductions along one dimension. */
public enum ReduceOp {
    /** Σ, accumulated from the first element to the last in the tensor's dtype. */
    SUM,
    /** The largest element; NaN if any element is NaN, as in PyTorch. */
    MAX
}
