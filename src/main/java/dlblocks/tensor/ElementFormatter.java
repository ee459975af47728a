package dlblocks.tensor;

/**
 * The one element formatter PyTorch builds per printed tensor ({@code torch._tensor_str._Formatter},
 * torch-compat.md §7.3). It looks at the <em>shown</em> elements once, chooses a style and a width, and
 * then writes every element in that style, left-padded with spaces to the width (never cut).
 */
final class ElementFormatter {
    /** Decimals of {@code F(v)} and {@code E(v)}: PyTorch's default {@code precision=4}. */
    static final int PRECISION = 4;

    /** How the elements are written (§7.3). */
    enum Style {
        /** int32 / int64: {@code str(v)}. */
        INTEGER,
        /** bool: {@code True} / {@code False}. */
        BOOL,
        /** Floats that are all integers ("int mode"): {@code I(v) + "."}, e.g. {@code 10.}. */
        FLOAT_INT,
        /** Floats in fixed point: {@code F(v)}, e.g. {@code 0.5000}. */
        FIXED,
        /** Floats in scientific notation: {@code E(v)}, e.g. {@code 1.0000e-05}. */
        SCI
    }

    private final Style style;
    private final int width;

    private ElementFormatter(Style style, int width) {
        this.style = style;
        this.width = width;
    }

    /** §7.3 integer and bool dtypes: {@code width = max(1, max len(str(v)))} over the shown values. */
    static ElementFormatter forIntegers(long[] shown, boolean bool) {
        Style style = bool ? Style.BOOL : Style.INTEGER;
        int width = 1;
        for (long v : shown) {
            width = Math.max(width, text(style, v).length());
        }
        return new ElementFormatter(style, width);
    }

    /**
     * §7.3 float dtypes: only the finite, non-zero shown values ({@code NZ}) choose the style and width.
     * With no such value the style is int mode and the width 1.
     */
    static ElementFormatter forFloats(double[] shown) {
        double amin = Double.POSITIVE_INFINITY;
        double amax = 0;
        boolean allIntegers = true;
        for (double v : shown) {
            if (contributes(v)) {
                amin = Math.min(amin, Math.abs(v));
                amax = Math.max(amax, Math.abs(v));
                allIntegers &= v == Math.ceil(v);
            }
        }
        if (amax == 0) { // NZ is empty: only zeros, NaN and infinities
            return new ElementFormatter(Style.FLOAT_INT, 1);
        }
        Style style = floatStyle(allIntegers, amin, amax);
        int width = 1;
        for (double v : shown) {
            if (contributes(v)) {
                width = Math.max(width, text(style, v).length());
            }
        }
        return new ElementFormatter(style, width);
    }

    /** §7.3: zeros, NaN and ±inf never contribute to the style or the width. */
    private static boolean contributes(double v) {
        return Double.isFinite(v) && v != 0;
    }

    /**
     * §7.3 the sci switch: {@code big = amax / amin > 1000 || amax > 1e8} (in double). Int mode uses sci
     * only when big; otherwise sci is also chosen when {@code amin < 1e-4}.
     */
    static Style floatStyle(boolean allIntegers, double amin, double amax) {
        boolean big = amax / amin > 1000.0 || amax > 1.0e8;
        if (allIntegers) {
            return big ? Style.SCI : Style.FLOAT_INT;
        }
        return big || amin < 1.0e-4 ? Style.SCI : Style.FIXED;
    }

    /** The width every element is padded to (§7.3); §7.4 derives {@code perLine} from it. */
    int width() {
        return width;
    }

    Style style() {
        return style;
    }

    /** One float element, formatted and left-padded to the width (§7.3 "Formatting an element"). */
    String format(double v) {
        return padLeft(text(style, v));
    }

    /** One integer or bool (0/1) element, formatted and left-padded to the width. */
    String format(long v) {
        return padLeft(text(style, v));
    }

    /** §7.3 the unpadded text: {@code E(v)} when sci, {@code I(v) + "."} in int mode (nan/inf get no point), else {@code F(v)}. */
    private static String text(Style style, double v) {
        switch (style) {
            case SCI:
                return PyFloatFormat.scientific(v, PRECISION);
            case FLOAT_INT:
                return PyFloatFormat.fixed(v, 0) + (Double.isFinite(v) ? "." : "");
            case FIXED:
                return PyFloatFormat.fixed(v, PRECISION);
            default:
                throw new IllegalStateException("a " + style + " formatter cannot print the float " + v);
        }
    }

    /** §7.3 {@code str(v)} of an integer, or Python's {@code True}/{@code False} for bool. */
    private static String text(Style style, long v) {
        switch (style) {
            case INTEGER:
                return Long.toString(v);
            case BOOL:
                return v != 0 ? "True" : "False";
            default:
                throw new IllegalStateException("a " + style + " formatter cannot print the integer " + v);
        }
    }

    /** §7.3: left-pad with spaces to {@code width}; a longer string is never cut ({@code -0.0000}, {@code -inf}). */
    private String padLeft(String s) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }
}
