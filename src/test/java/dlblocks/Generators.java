package dlblocks;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import dlblocks.random.Generator;
import dlblocks.tensor.DType;
import dlblocks.tensor.Shape;
import dlblocks.tensor.Tensor;
import java.util.Arrays;
import org.quicktheories.core.Gen;

/**
 * The inputs of the property tests. QuickTheories draws the small things it can print — a seed, a
 * shape, a dimension — and the tensors are then made from the seed with {@link Generator}, so a
 * falsified property prints everything needed to rebuild its tensors: {@code {[2, 3], 1, 4211}} is a
 * shape, a dim and a seed.
 */
public final class Generators {
    private Generators() {
    }

    /** Any long: a seed for {@code new Generator(seed)}. */
    public static Gen<Long> seeds() {
        return longs().all();
    }

    /** The size of one dimension, 1..max: size 1 (the edge of broadcasting) and odd sizes included. */
    public static Gen<Integer> sizes(int max) {
        return integers().between(1, max);
    }

    /** Shapes of minRank..maxRank dimensions, each of size 1..maxSize, printed as {@code [2, 3]}. */
    public static Gen<int[]> shapes(int minRank, int maxRank, int maxSize) {
        return lists().of(sizes(maxSize)).ofSizeBetween(minRank, maxRank)
                .map(list -> list.stream().mapToInt(Integer::intValue).toArray())
                .describedAs(Arrays::toString);
    }

    /** A shape and one of its dimensions, written either way: d or d − rank (PyTorch's negative dims). */
    public record ShapeAndDim(int[] shape, int dim) {
        /** The dimension counted from the front, 0..rank−1. */
        public int wrapped() {
            return Shape.wrapDim(dim, shape.length);
        }

        @Override
        public String toString() {
            return "shape " + Arrays.toString(shape) + ", dim " + dim;
        }
    }

    /** A shape as in {@link #shapes} and a dim of it in −rank..rank−1. */
    public static Gen<ShapeAndDim> shapesWithDim(int minRank, int maxRank, int maxSize) {
        return shapes(minRank, maxRank, maxSize).flatMap(shape ->
                integers().between(-shape.length, shape.length - 1).map(dim -> new ShapeAndDim(shape, dim)));
    }

    /** float32 standard normal values from seed: {@code torch.randn(shape)} after {@code manual_seed(seed)}. */
    public static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), shape);
    }

    /** float32 normal values with standard deviation {@code scale}. */
    public static Tensor randn(long seed, double scale, int... shape) {
        return Tensor.fromFloats(new Generator(seed).normal(Shape.numel(shape), 0, scale), shape);
    }

    /** float64 standard normal values from seed. */
    public static Tensor randnDouble(long seed, int... shape) {
        return Tensor.randnDouble(new Generator(seed), shape);
    }

    /** float32 values uniform in [lo, hi). */
    public static Tensor uniform(long seed, double lo, double hi, int... shape) {
        return Tensor.fromFloats(new Generator(seed).uniform(Shape.numel(shape), lo, hi), shape);
    }

    /** float64 values z + sign(z)·margin for standard normal z: every |x| ≥ margin, away from a kink at 0. */
    public static Tensor awayFromZero(long seed, double margin, int... shape) {
        double[] z = new Generator(seed).randnDouble(Shape.numel(shape));
        for (int i = 0; i < z.length; i++) {
            z[i] += Math.copySign(margin, z[i]);
        }
        return Tensor.fromDoubles(DType.FLOAT64, z, shape);
    }

    /** float64 values exp(z) + offset for standard normal z: every x &gt; offset. */
    public static Tensor positive(long seed, double offset, int... shape) {
        double[] z = new Generator(seed).randnDouble(Shape.numel(shape));
        for (int i = 0; i < z.length; i++) {
            z[i] = Math.exp(z[i]) + offset;
        }
        return Tensor.fromDoubles(DType.FLOAT64, z, shape);
    }

    /**
     * float64 values in random order, any two at least {@code gap} apart: k·2·gap + (jitter in ±gap/2)
     * for k = 0..n−1, shuffled. For maxima, whose derivative is undefined at ties.
     */
    public static Tensor distinct(long seed, double gap, int... shape) {
        Generator g = new Generator(seed);
        int n = Shape.numel(shape);
        long[] order = g.randperm(n);
        double[] jitter = g.uniformDouble(n, -gap / 2, gap / 2);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = (order[i] - n / 2.0) * 2 * gap + jitter[i];
        }
        return Tensor.fromDoubles(DType.FLOAT64, values, shape);
    }
}
