package dlblocks.tensor;

import java.util.Arrays;

/** Arithmetic on shapes (int arrays, outermost dimension first), written once for every op. */
public final class Shape {
    private Shape() {
    }

    /** The number of elements: the product of the sizes (1 for a 0-d tensor). */
    public static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor of shape " + str(shape) + " has more than 2^31-1 elements");
            }
        }
        return (int) n;
    }

    /** Row-major strides: the last dimension has stride 1. */
    public static int[] strides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = s;
            s *= shape[d];
        }
        return strides;
    }

    /**
     * Wraps a possibly negative dim into [0, rank), with PyTorch's message when it is out of range:
     * {@code Dimension out of range (expected to be in range of [-2, 1], but got 2)}.
     */
    public static int wrapDim(int dim, int rank) {
        int r = Math.max(rank, 1); // a 0-d tensor accepts dim 0 and -1, as in PyTorch
        if (dim < -r || dim >= r) {
            throw new IndexOutOfBoundsException("Dimension out of range (expected to be in range of ["
                    + (-r) + ", " + (r - 1) + "], but got " + dim + ")");
        }
        return dim < 0 ? dim + r : dim;
    }

    /** The broadcast shape of a and b (NumPy rules), or PyTorch's error naming both shapes. */
    public static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("The size of tensor a (" + da + ") must match the size of tensor b ("
                        + db + ") at non-singleton dimension " + i + "; shapes are " + str(a) + " and " + str(b));
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Strides that read a tensor of {@code shape} as if it had the (broadcast) shape {@code target}. */
    public static int[] broadcastStrides(int[] shape, int[] target) {
        int[] own = strides(shape);
        int[] out = new int[target.length];
        int shift = target.length - shape.length;
        for (int d = shift; d < target.length; d++) {
            out[d] = shape[d - shift] == 1 ? 0 : own[d - shift];
        }
        return out;
    }

    /**
     * Resolves a {@code view}/{@code reshape} request: at most one -1 is inferred from the element count.
     */
    public static int[] infer(int[] requested, int numel, int[] from) {
        int[] shape = requested.clone();
        int unknown = -1;
        long known = 1;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == -1) {
                if (unknown >= 0) throw new IllegalArgumentException("only one dimension can be inferred");
                unknown = d;
            } else if (shape[d] < 0) {
                throw new IllegalArgumentException("invalid shape dimension " + shape[d]);
            } else {
                known *= shape[d];
            }
        }
        if (unknown >= 0 && known != 0 && numel % known == 0) {
            shape[unknown] = (int) (numel / known);
        } else if (unknown >= 0 || known != numel) {
            throw new IllegalArgumentException("shape '" + str(requested) + "' is invalid for input of size " + numel
                    + " (input shape " + str(from) + ")");
        }
        return shape;
    }

    /** The product of the sizes before {@code dim}. */
    public static int outer(int[] shape, int dim) {
        int n = 1;
        for (int d = 0; d < dim; d++) n *= shape[d];
        return n;
    }

    /** The product of the sizes after {@code dim}. */
    public static int inner(int[] shape, int dim) {
        int n = 1;
        for (int d = dim + 1; d < shape.length; d++) n *= shape[d];
        return n;
    }

    /** {@code shape} without dimension {@code dim}. */
    public static int[] remove(int[] shape, int dim) {
        int[] out = new int[shape.length - 1];
        for (int d = 0, k = 0; d < shape.length; d++) {
            if (d != dim) out[k++] = shape[d];
        }
        return out;
    }

    /** {@code shape} with dimension {@code dim} set to {@code size}. */
    public static int[] with(int[] shape, int dim, int size) {
        int[] out = shape.clone();
        out[dim] = size;
        return out;
    }

    /** {@code shape} with a new dimension of size 1 at {@code dim}. */
    public static int[] insert(int[] shape, int dim) {
        int[] out = new int[shape.length + 1];
        for (int d = 0, k = 0; d < out.length; d++) {
            out[d] = d == dim ? 1 : shape[k++];
        }
        return out;
    }

    /** torch.Size's text, e.g. {@code [2, 5]}. */
    public static String str(int[] shape) {
        return "[" + list(shape) + "]";
    }

    /** Sizes joined by "x", as PyTorch's matmul error writes them: {@code 2x4}. */
    public static String byX(int[] shape) {
        StringBuilder sb = new StringBuilder();
        for (int d = 0; d < shape.length; d++) {
            if (d > 0) sb.append('x');
            sb.append(shape[d]);
        }
        return sb.toString();
    }

    private static String list(int[] shape) {
        String s = Arrays.toString(shape);
        return s.substring(1, s.length() - 1);
    }
}
