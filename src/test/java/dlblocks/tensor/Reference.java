package dlblocks.tensor;

import java.util.Arrays;
import java.util.Random;

/**
 * Plain-loop references that the tensor tests compare with. Nothing here calls dlblocks code: shapes,
 * strides and broadcasting are worked out again from their definitions, so a mistake in {@link Shape}
 * cannot hide itself.
 */
public final class Reference {
    private Reference() {
    }

    /** The product of the sizes (1 for rank 0). */
    public static int numel(int[] shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    /** Row-major strides: stride[d] = product of the sizes after d. */
    public static int[] strides(int[] shape) {
        int[] strides = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
            int s = 1;
            for (int e = d + 1; e < shape.length; e++) {
                s *= shape[e];
            }
            strides[d] = s;
        }
        return strides;
    }

    /** The multi-index of row-major position {@code flat}. */
    public static int[] unravel(int flat, int[] shape) {
        int[] index = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }

    /** The row-major position of a multi-index. */
    public static int ravel(int[] index, int[] shape) {
        int[] strides = strides(shape);
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            flat += index[d] * strides[d];
        }
        return flat;
    }

    /** NumPy's broadcasting rule, aligning sizes from the right; null when the shapes do not fit. */
    public static int[] broadcastShape(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int k = 1; k <= rank; k++) {
            int da = k <= a.length ? a[a.length - k] : 1;
            int db = k <= b.length ? b[b.length - k] : 1;
            if (da != db && da != 1 && db != 1) {
                return null;
            }
            out[rank - k] = Math.max(da, db);
        }
        return out;
    }

    /** The row-major position, in a tensor of shape {@code from}, that broadcast element {@code index} reads. */
    public static int broadcastSource(int[] index, int[] from) {
        int[] own = new int[from.length];
        for (int k = 1; k <= from.length; k++) {
            own[from.length - k] = from[from.length - k] == 1 ? 0 : index[index.length - k];
        }
        return ravel(own, from);
    }

    /** A random shape of the given rank with sizes in [1, maxSize]. */
    public static int[] randomShape(Random random, int rank, int maxSize) {
        int[] shape = new int[rank];
        for (int d = 0; d < rank; d++) {
            shape[d] = 1 + random.nextInt(maxSize);
        }
        return shape;
    }

    /**
     * A random shape that broadcasts to {@code full}: some leading dimensions dropped, some sizes set to 1.
     */
    public static int[] randomBroadcastable(Random random, int[] full) {
        int rank = random.nextInt(full.length + 1);
        int[] shape = Arrays.copyOfRange(full, full.length - rank, full.length);
        for (int d = 0; d < rank; d++) {
            if (random.nextInt(3) == 0) {
                shape[d] = 1;
            }
        }
        return shape;
    }

    /** n standard-normal values rounded to float32. */
    public static float[] randomFloats(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /** n small integers in [-8, 8] as doubles: sums and products of a few of them are exact in float64. */
    public static double[] smallIntegers(Random random, int n) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextInt(17) - 8;
        }
        return values;
    }

    /** The plain float32 loop for C = A·B, A m×k and B k×n row-major: c = ((a₀b₀ + a₁b₁) + …). */
    public static float[] matmul(float[] a, float[] b, int m, int k, int n) {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0;
                for (int p = 0; p < k; p++) {
                    acc += a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = acc;
            }
        }
        return c;
    }

    /** Aᵀ of a row-major m×n matrix. */
    public static float[] transpose(float[] a, int m, int n) {
        float[] t = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                t[j * m + i] = a[i * n + j];
            }
        }
        return t;
    }

    /** Σ xᵢyᵢ in float64. */
    public static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }
}
