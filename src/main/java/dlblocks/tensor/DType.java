package dlblocks.tensor;

/**
 * The element types dlblocks knows, named as PyTorch names them ({@code torch.float32}, ...).
 *
 * <p>Floating tensors default to {@link #FLOAT32}, as in PyTorch; {@link #FLOAT64} exists for gradient
 * checks. {@link #INT64} is PyTorch's {@code LongTensor}, used for class targets and indices.
 * {@link #INT32} and {@link #BOOL} exist so that tensors of those types print as PyTorch prints them.
 */
public enum DType {
    FLOAT32("float32", true),
    FLOAT64("float64", true),
    INT64("int64", false),
    INT32("int32", false),
    BOOL("bool", false);

    private final String torchName;
    private final boolean floating;

    DType(String torchName, boolean floating) {
        this.torchName = torchName;
        this.floating = floating;
    }

    /** The name after {@code torch.}, as in {@code dtype=torch.float64}. */
    public String torchName() {
        return torchName;
    }

    public boolean isFloatingPoint() {
        return floating;
    }

    /**
     * Rounds a value computed in double precision to this type. For FLOAT32 this is one rounding to
     * nearest-even, so a single +, −, ×, ÷ or √ of two float32 values computed in double and rounded here
     * equals the float32 operation exactly (double carries more than 2·24 + 2 bits).
     */
    public double round(double v) {
        switch (this) {
            case FLOAT32: return (float) v;
            case FLOAT64: return v;
            case BOOL: return v != 0 ? 1 : 0;
            case INT32: return (int) v;
            default: return (long) v;
        }
    }

    /** The type of {@code a op b}, following PyTorch's promotion for the types here. */
    public static DType promote(DType a, DType b) {
        if (a == b) return a;
        if (a == FLOAT64 || b == FLOAT64) return FLOAT64;
        if (a == FLOAT32 || b == FLOAT32) return FLOAT32;
        if (a == INT64 || b == INT64) return INT64;
        if (a == INT32 || b == INT32) return INT32;
        return BOOL;
    }
}
