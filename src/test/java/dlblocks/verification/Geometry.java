package dlblocks.verification;

import java.util.ArrayList;
import java.util.List;

/** Index arithmetic on row-major shapes, for computing bounds from the golden values. */
final class Geometry {
    private Geometry() {
    }

    static int numel(int[] shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc *= shape[d];
        }
        return s;
    }

    /** The flat index in a tensor of {@code in} shape that broadcasting maps to element {@code flat} of {@code out}. */
    static int broadcastSource(int[] out, int[] in, int flat) {
        int[] outStrides = strides(out);
        int[] inStrides = strides(in);
        int offset = out.length - in.length;
        int src = 0;
        for (int d = 0; d < out.length; d++) {
            int i = (flat / outStrides[d]) % out[d];
            int k = d - offset;
            if (k >= 0 && in[k] != 1) {
                src += i * inStrides[k];
            }
        }
        return src;
    }

    /** The flat indices of every 1-D slice along {@code dim}: one list per position of the other dims. */
    static List<int[]> slices(int[] shape, int dim) {
        List<int[]> out = new ArrayList<>();
        if (shape.length == 0) {
            out.add(new int[] {0});
            return out;
        }
        int d = dim < 0 ? dim + shape.length : dim;
        int n = shape[d];
        int inner = 1;
        for (int k = d + 1; k < shape.length; k++) {
            inner *= shape[k];
        }
        int outer = numel(shape) / Math.max(1, n * inner);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int[] idx = new int[n];
                for (int j = 0; j < n; j++) {
                    idx[j] = (o * n + j) * inner + i;
                }
                out.add(idx);
            }
        }
        return out;
    }

    /** For a reduction of {@code shape} along dim: the input slice feeding each output element, in output order. */
    static List<int[]> reductionSlices(int[] shape, int dim) {
        return slices(shape, dim); // outer-major, inner-minor: the row-major order of the reduced shape
    }
}
