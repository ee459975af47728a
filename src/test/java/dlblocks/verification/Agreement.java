package dlblocks.verification;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dlblocks.tensor.DType;
import dlblocks.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares dlblocks' values with PyTorch's, exactly or within a per-element bound, and keeps, per category,
 * the largest discrepancy seen (in float32 ulps and as a fraction of the bound) for the summaries that
 * verification/README.md quotes. A failure names the op, the case id, what was compared, the index,
 * expected and actual (value and bit pattern), the bound and the distance in ulps.
 */
final class Agreement {
    private Agreement() {
    }

    /** The largest discrepancy of one category. */
    static final class Stat {
        long values;
        long differing;
        long maxUlps;
        double maxFractionOfBound;
        double maxRelative;
        String worst = "";

        synchronized void add(String where, long ulps, double fraction, double relative) {
            maxRelative = Math.max(maxRelative, relative);
            values++;
            if (ulps > 0) {
                differing++;
            }
            if (ulps > maxUlps) {
                maxUlps = ulps;
                worst = where;
            }
            maxFractionOfBound = Math.max(maxFractionOfBound, fraction);
        }

        @Override
        public synchronized String toString() {
            return String.format(Locale.ROOT,
                    "%d values, %d differ, largest %d ulp%s, largest relative error %.2g, largest |Δ|/bound %.3f",
                    values, differing, maxUlps, worst.isEmpty() ? "" : " (" + worst + ")", maxRelative,
                    maxFractionOfBound);
        }
    }

    static final Map<String, Stat> STATS = new TreeMap<>();

    static synchronized Stat stat(String category) {
        return STATS.computeIfAbsent(category, k -> new Stat());
    }

    /** Distance in representable values of the dtype (float32 unless the values are float64). */
    static long ulps(double expected, double actual, boolean float64) {
        if (expected == actual) {
            return 0;
        }
        if (float64) {
            long a = ordered(Double.doubleToRawLongBits(expected));
            long b = ordered(Double.doubleToRawLongBits(actual));
            return Math.abs(a - b);
        }
        long a = ordered32(Float.floatToRawIntBits((float) expected));
        long b = ordered32(Float.floatToRawIntBits((float) actual));
        return Math.abs(a - b);
    }

    private static long ordered(long bits) {
        return bits < 0 ? Long.MIN_VALUE - bits : bits;
    }

    private static long ordered32(int bits) {
        return bits < 0 ? (long) Integer.MIN_VALUE - bits : bits;
    }

    static String hex(double v, boolean float64) {
        return float64 ? String.format("%016x", Double.doubleToRawLongBits(v))
                : String.format("%08x", Float.floatToRawIntBits((float) v));
    }

    static String index(int[] shape, int flat) {
        if (shape.length == 0) {
            return "[]";
        }
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
        return Arrays.toString(idx);
    }

    /** Shape and dtype equal, then every value bit for bit, zeros' signs included (NaN matches NaN whatever its payload). */
    static void exact(String category, String op, String id, String what, Map<String, Object> expected,
                      Tensor actual) {
        int[] shape = TorchGolden.ints(expected.get("shape"));
        checkShapeAndType(op, id, what, expected, actual, shape);
        double[] e = TorchGolden.values(expected);
        double[] a = actual.toDoubleArray();
        boolean f64 = actual.dtype() == DType.FLOAT64;
        Stat stat = stat(category);
        for (int i = 0; i < e.length; i++) {
            boolean same = Double.isNaN(e[i]) ? Double.isNaN(a[i])
                    : Double.doubleToRawLongBits(e[i]) == Double.doubleToRawLongBits(a[i]);
            if (!same) {
                fail(String.format(Locale.ROOT, "%s [%s] %s at %s: expected exactly %s (%s), got %s (%s), %d ulp apart",
                        op, id, what, index(shape, i), e[i], hex(e[i], f64), a[i], hex(a[i], f64),
                        ulps(e[i], a[i], f64)));
            }
            stat.add(id + " " + what + index(shape, i), 0, 0, 0);
        }
    }

    /**
     * Shape and dtype equal, then |actual − expected| ≤ bound[i] for every finite expected value; NaN must
     * meet NaN and ±∞ the same infinity.
     */
    static void within(String category, String op, String id, String what, Map<String, Object> expected,
                       Tensor actual, double[] bound) {
        int[] shape = TorchGolden.ints(expected.get("shape"));
        checkShapeAndType(op, id, what, expected, actual, shape);
        within(category, op, id, what, shape, TorchGolden.values(expected), actual.toDoubleArray(), bound,
                actual.dtype() == DType.FLOAT64);
    }

    static void within(String category, String op, String id, String what, int[] shape, double[] e, double[] a,
                       double[] bound, boolean f64) {
        if (e.length != a.length || e.length != bound.length) {
            fail(op + " [" + id + "] " + what + ": " + e.length + " expected values, " + a.length + " actual, "
                    + bound.length + " bounds");
        }
        Stat stat = stat(category);
        for (int i = 0; i < e.length; i++) {
            if (!Double.isFinite(e[i])) {
                boolean same = Double.isNaN(e[i]) ? Double.isNaN(a[i]) : e[i] == a[i];
                if (!same) {
                    fail(String.format(Locale.ROOT, "%s [%s] %s at %s: expected %s, got %s (%s)", op, id, what,
                            index(shape, i), e[i], a[i], hex(a[i], f64)));
                }
                stat.add(id + " " + what + index(shape, i), 0, 0, 0);
                continue;
            }
            double diff = Math.abs(a[i] - e[i]);
            long ulps = Double.isFinite(a[i]) ? ulps(e[i], a[i], f64) : Long.MAX_VALUE;
            if (!(diff <= bound[i])) {
                fail(String.format(Locale.ROOT,
                        "%s [%s] %s at %s: expected %s (%s), got %s (%s): |Δ| = %.3g exceeds the bound %.3g (%d ulp)",
                        op, id, what, index(shape, i), e[i], hex(e[i], f64), a[i], hex(a[i], f64), diff, bound[i],
                        ulps));
            }
            stat.add(id + " " + what + index(shape, i), ulps, bound[i] > 0 ? diff / bound[i] : 0,
                    e[i] != 0 ? diff / Math.abs(e[i]) : 0);
        }
    }

    private static void checkShapeAndType(String op, String id, String what, Map<String, Object> expected,
                                          Tensor actual, int[] shape) {
        assertArrayEquals(shape, actual.shape(), () -> op + " [" + id + "] " + what + ": shape");
        DType dtype = TorchGolden.dtype(expected);
        if (dtype != actual.dtype()) {
            fail(op + " [" + id + "] " + what + ": expected dtype " + dtype.torchName() + ", got "
                    + actual.dtype().torchName());
        }
    }

    /** The summary lines of the categories whose names start with {@code prefix}. */
    static synchronized String summary(String prefix) {
        StringBuilder sb = new StringBuilder();
        STATS.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                sb.append(k).append(": ").append(v).append('\n');
            }
        });
        return sb.toString();
    }
}
