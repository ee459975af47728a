package dlblocks.random;

import java.util.Arrays;

/**
 * The twins of the {@code torch.nn.init} functions that {@code nn.Linear} and {@code nn.Conv2d} use
 * (torch-compat.md §6). Shapes are PyTorch's: {@code (out, in)} for a linear weight,
 * {@code (out, in, kH, kW)} for a convolution; results are row-major.
 *
 * <p>Every bound is computed in double, in the order the Python source writes it, and becomes float32
 * only inside {@link Generator#uniform}; a different order can move a bound by one ulp and with it the
 * last bit of many weights.
 */
public final class Init {
    private Init() {
    }

    /** {@code nn.Linear}'s parameters: {@code weight} is {@code out × in} row-major, {@code bias} may be null. */
    public record LinearInit(float[] weight, float[] bias) {
    }

    /** {@code nn.Conv2d}'s parameters: {@code weight} is {@code (cout, cin, k, k)} row-major, then {@code bias}. */
    public record Conv2dInit(float[] weight, float[] bias) {
    }

    /**
     * {@code fan_in = size(1) · prod(size(2..))}: the inputs that feed one output unit.
     *
     * @throws IllegalArgumentException for fewer than two dimensions, as torch refuses them
     */
    public static int fanIn(int[] shape) {
        checkFanShape(shape);
        return shape[1] * receptiveField(shape);
    }

    /** {@code fan_out = size(0) · prod(size(2..))}: the outputs that one input unit feeds. */
    public static int fanOut(int[] shape) {
        checkFanShape(shape);
        return shape[0] * receptiveField(shape);
    }

    /**
     * {@code nn.init.kaiming_uniform_(t, a)} with the defaults {@code mode='fan_in'},
     * {@code nonlinearity='leaky_relu'}: {@code gain = sqrt(2 / (1 + a²))}, {@code std = gain / sqrt(fan_in)},
     * {@code bound = sqrt(3) · std}, then U(−bound, bound). One draw per element.
     *
     * <p>A tensor with no elements is left alone and draws nothing (torch only warns).
     */
    public static float[] kaimingUniform(Generator g, int[] shape, double a) {
        int n = numel(shape);
        if (n == 0) {
            return new float[0];
        }
        double gain = Math.sqrt(2.0 / (1 + a * a));
        double std = gain / Math.sqrt(fanIn(shape));
        double bound = Math.sqrt(3.0) * std;
        return g.uniform(n, -bound, bound);
    }

    /**
     * {@code nn.init.xavier_uniform_(t, gain)}: {@code std = gain · sqrt(2 / (fan_in + fan_out))},
     * {@code a = sqrt(3) · std}, then U(−a, a). One draw per element.
     */
    public static float[] xavierUniform(Generator g, int[] shape, double gain) {
        int n = numel(shape);
        double std = gain * Math.sqrt(2.0 / (double) (fanIn(shape) + fanOut(shape)));
        double a = Math.sqrt(3.0) * std;
        return g.uniform(n, -a, a);
    }

    /**
     * {@code nn.init.normal_(t, mean, std)}, which is {@code t.normal_(mean, std)}: the scalar or vector
     * path by element count (§4.1), see {@link Generator#normal}.
     */
    public static float[] normal(Generator g, int[] shape, double mean, double std) {
        return g.normal(numel(shape), mean, std);
    }

    /**
     * {@code nn.Linear(in, out, bias)}: {@code kaiming_uniform_(weight, a=√5)}, then, with a bias,
     * U(−1/√in, 1/√in) (bound 0 when {@code in == 0}). All weights are drawn before any bias, so the layer
     * takes {@code out·in} draws, plus {@code out} with a bias.
     */
    public static LinearInit linear(Generator g, int in, int out, boolean bias) {
        int[] shape = {out, in};
        synchronized (g) {
            float[] w = kaimingUniform(g, shape, Math.sqrt(5.0));
            float[] b = bias ? g.uniform(out, -biasBound(in), biasBound(in)) : null;
            return new LinearInit(w, b);
        }
    }

    /**
     * {@code nn.Conv2d(cin, cout, k)}: the scheme of {@link #linear} with weight shape
     * {@code (cout, cin, k, k)} and {@code fan_in = cin·k·k}. torch skips the bias init when
     * {@code fan_in == 0} (its bias holds uninitialised memory); here it stays zero and draws nothing.
     */
    public static Conv2dInit conv2d(Generator g, int cin, int cout, int k) {
        int[] shape = {cout, cin, k, k};
        synchronized (g) {
            float[] w = kaimingUniform(g, shape, Math.sqrt(5.0));
            int fanIn = fanIn(shape);
            float[] b = fanIn != 0 ? g.uniform(cout, -biasBound(fanIn), biasBound(fanIn)) : new float[cout];
            return new Conv2dInit(w, b);
        }
    }

    /** {@code 1 / math.sqrt(fan_in) if fan_in > 0 else 0}, from the layers' {@code reset_parameters}. */
    private static double biasBound(int fanIn) {
        return fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0.0;
    }

    /** The element count of a shape; every dimension must be ≥ 0 and the count must fit an array. */
    static int numel(int[] shape) {
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Trying to create tensor with negative dimension " + d
                        + ": " + Arrays.toString(shape));
            }
        }
        if (Arrays.stream(shape).anyMatch(d -> d == 0)) {
            return 0;
        }
        long n = 1;
        for (int d : shape) {
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape)
                        + " has more elements than a Java array can hold");
            }
        }
        return (int) n;
    }

    private static int receptiveField(int[] shape) {
        int r = 1;
        for (int i = 2; i < shape.length; i++) {
            r *= shape[i];
        }
        return r;
    }

    private static void checkFanShape(int[] shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("Fan in and fan out can not be computed for tensor with fewer "
                    + "than 2 dimensions, got shape " + Arrays.toString(shape));
        }
    }
}
