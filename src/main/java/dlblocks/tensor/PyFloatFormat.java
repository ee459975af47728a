package dlblocks.tensor;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Python's float format specs {@code "{:.Nf}"} and {@code "{:.Ne}"}, the two that PyTorch's printer
 * uses (torch-compat.md §7.3: {@code F(v)}, {@code I(v)} and {@code E(v)}).
 *
 * <p>Python rounds the <em>exact</em> binary value of the double to the requested digits, ties to even.
 * {@code String.format("%.4f")} does not (it rounds half-up), so both formats here go through
 * {@link BigDecimal}, whose {@code new BigDecimal(double)} is the exact binary value.
 * Example: 0.03125 is exactly representable and a tie, so {@code "{:.4f}"} gives {@code 0.0312}.
 */
final class PyFloatFormat {
    private PyFloatFormat() {
    }

    /**
     * Python {@code "{:.Nf}"} (§7.3 {@code F(v)} with N = 4, {@code I(v)} with N = 0): fixed point, the exact
     * value rounded to {@code digits} decimals, ties to even; negative values and -0.0 keep their {@code -}.
     */
    static String fixed(double v, int digits) {
        if (!Double.isFinite(v)) {
            return special(v);
        }
        BigDecimal magnitude = new BigDecimal(Math.abs(v)).setScale(digits, RoundingMode.HALF_EVEN);
        return sign(v) + magnitude.toPlainString();
    }

    /**
     * Python {@code "{:.Ne}"} (§7.3 {@code E(v)} with N = 4): {@code N + 1} significant digits of the exact
     * value, ties to even, then {@code e}, a sign and at least two exponent digits ({@code 9.9999e-41}).
     * Zero prints {@code 0.0000e+00} (or {@code -0.0000e+00}).
     */
    static String scientific(double v, int digits) {
        if (!Double.isFinite(v)) {
            return special(v);
        }
        if (v == 0) {
            return sign(v) + mantissa("0", digits) + exponent(0);
        }
        MathContext significant = new MathContext(digits + 1, RoundingMode.HALF_EVEN);
        BigDecimal rounded = new BigDecimal(Math.abs(v)).round(significant);
        String unscaled = rounded.unscaledValue().toString(); // at most digits + 1 digits after rounding
        int exponent = unscaled.length() - 1 - rounded.scale();
        return sign(v) + mantissa(unscaled, digits) + exponent(exponent);
    }

    /** Python's words for the non-finite values (§7.3 "Specials"): {@code nan} (any sign), {@code inf}, {@code -inf}. */
    static String special(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        return v > 0 ? "inf" : "-inf";
    }

    /** {@code "-"} when the sign bit is set, so that -0.0 prints as {@code -0.0000} (§7.3). */
    private static String sign(double v) {
        return Double.doubleToRawLongBits(v) < 0 ? "-" : "";
    }

    /** The significant digits, padded with zeros to {@code digits + 1}, with a point after the first. */
    private static String mantissa(String significantDigits, int digits) {
        StringBuilder sb = new StringBuilder(significantDigits);
        while (sb.length() < digits + 1) {
            sb.append('0');
        }
        if (digits > 0) {
            sb.insert(1, '.');
        }
        return sb.toString();
    }

    /** {@code e}, the exponent's sign and at least two of its digits, as C's {@code printf} writes it. */
    private static String exponent(int e) {
        int magnitude = Math.abs(e);
        return "e" + (e < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + magnitude;
    }
}
