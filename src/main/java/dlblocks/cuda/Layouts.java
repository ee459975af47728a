package dlblocks.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code Layout} struct that {@code strided_copy} and {@code zip_binary} take by value: a rank, a
 * shape and two sets of strides, 8 dimensions at most, packed as 25 ints.
 *
 * <p>Before packing, the dimensions are simplified without changing which elements are read: a
 * dimension of size 1 is dropped (its index is always 0), and two neighbouring dimensions merge into
 * one when, for both operands, stepping the outer one is the same as stepping the inner one all the way
 * round (outer stride = inner stride × inner size). A contiguous tensor becomes rank 1, so the kernels
 * do little index arithmetic in the common case.
 */
final class Layouts {
    static final int MAX_RANK = 8;
    /** Ints in the packed struct: rank, shape[8], a[8], b[8]. */
    static final int INTS = 1 + 3 * MAX_RANK;

    private Layouts() {
    }

    /** The packed struct for an output of {@code shape} reading operand a with strides a, b with b. */
    static int[] pack(int[] shape, int[] a, int[] b) {
        int[][] s = simplify(shape, a, b);
        int rank = s[0].length;
        if (rank > MAX_RANK) {
            throw new IllegalArgumentException("the CUDA backend reads tensors of at most " + MAX_RANK
                    + " dimensions with different strides, got " + rank);
        }
        int[] packed = new int[INTS];
        packed[0] = rank;
        System.arraycopy(s[0], 0, packed, 1, rank);
        System.arraycopy(s[1], 0, packed, 1 + MAX_RANK, rank);
        System.arraycopy(s[2], 0, packed, 1 + 2 * MAX_RANK, rank);
        return packed;
    }

    /** {shape, a, b} with size-1 dimensions dropped and mergeable neighbours merged. */
    static int[][] simplify(int[] shape, int[] a, int[] b) {
        List<int[]> dims = new ArrayList<>(); // each {size, strideA, strideB}, outermost first
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) {
                continue;
            }
            int[] dim = {shape[d], a[d], b[d]};
            int[] last = dims.isEmpty() ? null : dims.get(dims.size() - 1);
            if (last != null && last[1] == dim[1] * dim[0] && last[2] == dim[2] * dim[0]) {
                dims.set(dims.size() - 1, new int[] {last[0] * dim[0], dim[1], dim[2]});
            } else {
                dims.add(dim);
            }
        }
        int[][] out = new int[3][dims.size()];
        for (int d = 0; d < dims.size(); d++) {
            for (int k = 0; k < 3; k++) {
                out[k][d] = dims.get(d)[k];
            }
        }
        return out;
    }
}
