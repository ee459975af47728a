package dlblocks.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dlblocks.tensor.DType;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Random sizes and values for the cross-backend properties, all drawn from one seed. */
final class Samples {
    /** Sizes worth testing: 1, small primes, around the SGEMM tile (128) and float4 (4) boundaries. */
    static final int[] SIZES = {1, 2, 3, 4, 5, 7, 8, 13, 31, 64, 127, 128, 129, 257};

    private Samples() {
    }

    static int size(SplittableRandom r) {
        return SIZES[r.nextInt(SIZES.length)];
    }

    /** Mostly a tile-boundary size, sometimes a large one (up to {@code max}). */
    static int size(SplittableRandom r, int max) {
        return r.nextInt(5) == 0 ? r.nextInt(max / 2, max + 1) : size(r);
    }

    /** A shape of the given rank whose element count stays modest. */
    static int[] shape(SplittableRandom r, int rank) {
        int[] s = new int[rank];
        long n = 1;
        for (int d = 0; d < rank; d++) {
            s[d] = n > 5000 ? r.nextInt(1, 3) : size(r);
            n *= s[d];
        }
        return s;
    }

    /**
     * Values of a dtype, as the doubles a storage of it holds: floats spread over many magnitudes, with
     * (when {@code specials}) +0, −0, ±∞, NaN and subnormals mixed in; integers small and large; bools 0/1.
     */
    static double[] values(SplittableRandom r, int n, DType dtype, boolean specials) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            switch (dtype) {
                case BOOL: v[i] = r.nextInt(2); break;
                case INT32: v[i] = r.nextInt(-1000, 1000); break;
                case INT64: v[i] = r.nextInt(8) == 0 ? r.nextLong(-(1L << 40), 1L << 40) : r.nextInt(-1000, 1000); break;
                default:
                    double x = r.nextGaussian() * Math.pow(10, r.nextInt(-3, 4));
                    if (specials && r.nextInt(10) == 0) {
                        double[] special = {0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN,
                            Float.MIN_VALUE, -Float.MIN_NORMAL / 3, 1e300};
                        x = special[r.nextInt(special.length)];
                    }
                    v[i] = dtype == DType.FLOAT32 ? (float) x : x;
            }
        }
        return v;
    }

    /** Finite values of moderate size: |x| ≤ limit. */
    static double[] moderate(SplittableRandom r, int n, DType dtype, double limit) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double x = r.nextDouble(-limit, limit);
            v[i] = dtype == DType.FLOAT32 ? (float) x : x;
        }
        return v;
    }

    static int[] contiguousStrides(int[] shape) {
        int[] s = new int[shape.length];
        int step = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = step;
            step *= shape[d];
        }
        return s;
    }

    static int numel(int[] shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    /** Equal element for element, NaN matching NaN and +0 not matching −0. */
    static void assertSame(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            boolean same = Double.isNaN(expected[i]) ? Double.isNaN(actual[i])
                    : Double.doubleToRawLongBits(expected[i]) == Double.doubleToRawLongBits(actual[i]);
            if (!same) {
                fail(what + ": element " + i + " of " + expected.length + ": CPU " + expected[i] + ", CUDA " + actual[i]
                        + (expected.length <= 16 ? "\nCPU  " + Arrays.toString(expected) + "\nCUDA " + Arrays.toString(actual)
                        : ""));
            }
        }
    }
}
