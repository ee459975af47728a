package dlblocks.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * PyTorch's {@code str(tensor)} and {@code repr(nn.Parameter)}, character for character, with the default
 * print options (precision 4, threshold 1000, edgeitems 3, linewidth 80). The rules are those of
 * torch-compat.md §7 (PyTorch 1.13, {@code torch/_tensor_str.py}); each method names the rule it follows.
 *
 * <p>The printer works on plain arrays, so that any tensor class can call it: values in row-major order,
 * floats as doubles (a float32 value widened exactly), integers as longs (bool as 0/1).
 * <pre>
 * format(DType.FLOAT32, new int[] {2}, new double[] {0, 1}, null, null, false)  →  "tensor([0., 1.])"
 * </pre>
 * Element styles and widths are chosen by {@link ElementFormatter} (§7.3) and numbers are written by
 * {@link PyFloatFormat}.
 */
public final class TensorFormatter {
    /** §7.2: more elements than this are summarised (1000 print in full, 1001 do not). */
    static final int THRESHOLD = 1000;
    /** §7.2: a summarised dimension longer than {@code 2 · EDGE_ITEMS} shows its first and last 3 entries. */
    static final int EDGE_ITEMS = 3;
    /** §7.1 and §7.4: the line width that items and suffixes are fitted into. */
    static final int LINE_WIDTH = 80;

    /** §7.1: every printout opens with this prefix; the body's indent is its length, 7. */
    private static final String PREFIX = "tensor(";
    private static final int INDENT = PREFIX.length();
    /** §7.4: marks the {@code ...} entry in a list of row indices. */
    private static final int GAP = -1;

    private final int[] shape;
    private final int[] strides;
    private final double[] floats;
    private final long[] ints;
    private final boolean summarize;
    private final ElementFormatter formatter;

    private TensorFormatter(DType dtype, int[] shape, double[] floats, long[] ints, int numel) {
        this.shape = shape.clone();
        this.strides = Shape.strides(shape);
        this.floats = floats;
        this.ints = ints;
        this.summarize = numel > THRESHOLD;
        this.formatter = formatterFor(dtype, shownOffsets());
    }

    /**
     * {@code str(t)}. Values are row-major; {@code floats} holds float32 values widened exactly to double (or
     * float64 values), {@code ints} holds integer values (BOOL as 0/1). Exactly one of floats/ints is
     * non-null, matching {@code dtype.isFloatingPoint()}. {@code gradFn} is the grad_fn name (e.g.
     * {@code "AddmmBackward0"}) or null.
     *
     * @throws IllegalArgumentException if the shape has a negative size, or the values do not match the
     *     dtype and the shape
     */
    public static String format(DType dtype, int[] shape, double[] floats, long[] ints, String gradFn,
                                boolean requiresGrad) {
        return format(dtype, shape, floats, ints, null, gradFn, requiresGrad);
    }

    /**
     * As {@link #format(DType, int[], double[], long[], String, boolean)} for a tensor on a device other than
     * the CPU: PyTorch puts {@code device='cuda:0'} before every other suffix. {@code device} null means CPU.
     */
    public static String format(DType dtype, int[] shape, double[] floats, long[] ints, String device, String gradFn,
                                boolean requiresGrad) {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        int numel = numel(shape);
        checkValues(dtype, shape, numel, floats, ints);
        String body = numel == 0 ? "[]" : new TensorFormatter(dtype, shape, floats, ints, numel).body();
        List<String> suffixes = suffixes(dtype, shape, numel, gradFn, requiresGrad);
        if (device != null) {
            suffixes.add(0, "device='" + device + "'");
        }
        return withSuffixes(PREFIX + body, suffixes);
    }

    /** {@code repr(nn.Parameter)} (§7.1 step 4): {@code "Parameter containing:\n"} + the tensor with requires_grad=True. */
    public static String formatParameter(DType dtype, int[] shape, double[] floats, long[] ints) {
        return "Parameter containing:\n" + format(dtype, shape, floats, ints, null, true);
    }

    // ---- §7.1 outer frame ------------------------------------------------------------------------------

    /**
     * §7.1 step 2, the suffixes in PyTorch's order: for an empty tensor {@code size=} (unless 1-D) and
     * {@code dtype=} (unless float32); otherwise {@code dtype=} unless float32, int64 or bool; then
     * {@code grad_fn=<Name>}, or {@code requires_grad=True} for a leaf that requires grad.
     */
    static List<String> suffixes(DType dtype, int[] shape, int numel, String gradFn, boolean requiresGrad) {
        List<String> suffixes = new ArrayList<>();
        if (numel == 0) {
            if (shape.length != 1) {
                suffixes.add("size=" + sizeTuple(shape));
            }
            if (dtype != DType.FLOAT32) {
                suffixes.add("dtype=torch." + dtype.torchName());
            }
        } else if (!printsWithoutDType(dtype)) {
            suffixes.add("dtype=torch." + dtype.torchName());
        }
        if (gradFn != null) {
            suffixes.add("grad_fn=<" + gradFn + ">");
        } else if (requiresGrad) {
            suffixes.add("requires_grad=True");
        }
        return suffixes;
    }

    /** §7.1 step 2: PyTorch's default dtypes, float32, int64 (LongTensor) and bool, print no {@code dtype=}. */
    private static boolean printsWithoutDType(DType dtype) {
        return dtype == DType.FLOAT32 || dtype == DType.INT64 || dtype == DType.BOOL;
    }

    /** Python's {@code str(tuple(shape))} for the shapes that reach it (never 1-D): {@code (0, 3)}. */
    private static String sizeTuple(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(')').toString();
    }

    /**
     * §7.1 step 3: append each suffix after {@code ", "}, or after {@code ",\n"} and 7 spaces when the current
     * line would pass 80 columns ({@code L + len + 2 > 80}, where {@code L} is the last line's length + 2).
     */
    static String withSuffixes(String s, List<String> suffixes) {
        StringBuilder out = new StringBuilder(s);
        int lastLine = s.length() - s.lastIndexOf('\n') + 1;
        for (String suffix : suffixes) {
            if (lastLine + suffix.length() + 2 > LINE_WIDTH) {
                out.append(",\n").append(" ".repeat(INDENT)).append(suffix);
                lastLine = INDENT + suffix.length();
            } else {
                out.append(", ").append(suffix);
                lastLine += suffix.length() + 2;
            }
        }
        return out.append(')').toString();
    }

    // ---- §7.2 summarisation and §7.3 the formatter -----------------------------------------------------

    /**
     * §7.2 and §7.4: the indices shown along one dimension. When summarising, a dimension longer than
     * {@code 2 · 3} shows its first 3 and last 3, with {@link #GAP} where the {@code ...} goes.
     */
    private int[] rows(int dim) {
        int n = shape[dim];
        if (!summarize || n <= 2 * EDGE_ITEMS) {
            return IntStream.range(0, n).toArray();
        }
        return IntStream.concat(IntStream.concat(IntStream.range(0, EDGE_ITEMS), IntStream.of(GAP)),
                IntStream.range(n - EDGE_ITEMS, n)).toArray();
    }

    /** §7.2: the flat offsets of the shown elements, taken recursively; the formatter looks only at these. */
    private int[] shownOffsets() {
        IntStream.Builder offsets = IntStream.builder();
        collectShown(0, 0, offsets);
        return offsets.build().toArray();
    }

    private void collectShown(int dim, int offset, IntStream.Builder offsets) {
        if (dim == shape.length) {
            offsets.add(offset);
            return;
        }
        for (int i : rows(dim)) {
            if (i != GAP) {
                collectShown(dim + 1, offset + i * strides[dim], offsets);
            }
        }
    }

    /** §7.3: one formatter per tensor, built from the shown elements and shared by all of them. */
    private ElementFormatter formatterFor(DType dtype, int[] offsets) {
        if (floats != null) {
            return ElementFormatter.forFloats(Arrays.stream(offsets).mapToDouble(o -> floats[o]).toArray());
        }
        return ElementFormatter.forIntegers(Arrays.stream(offsets).mapToLong(o -> ints[o]).toArray(),
                dtype == DType.BOOL);
    }

    /** The element at a flat offset, formatted and padded (§7.3). */
    private String element(int offset) {
        return floats != null ? formatter.format(floats[offset]) : formatter.format(ints[offset]);
    }

    // ---- §7.4 body layout ------------------------------------------------------------------------------

    /** §7.4: a 0-d tensor is its one formatted element; otherwise the nested body at indent 7. */
    private String body() {
        return shape.length == 0 ? element(0) : block(0, 0, INDENT);
    }

    /**
     * §7.4 k-d (k ≥ 2): the bodies of {@code t[i]} at {@code indent + 1} (or {@code "..."}), joined with
     * {@code ","}, k − 1 newlines and {@code indent + 1} spaces, so 3-D blocks are one blank line apart and
     * 4-D blocks two.
     */
    private String block(int dim, int offset, int indent) {
        if (dim == shape.length - 1) {
            return vector(offset, indent);
        }
        List<String> slices = new ArrayList<>();
        for (int i : rows(dim)) {
            slices.add(i == GAP ? "..." : block(dim + 1, offset + i * strides[dim], indent + 1));
        }
        String separator = "," + "\n".repeat(shape.length - 1 - dim) + " ".repeat(indent + 1);
        return "[" + String.join(separator, slices) + "]";
    }

    /**
     * §7.4 1-d: the items (with {@code " ..."} for the gap) in lines of
     * {@code perLine = max(1, floor((80 − indent) / (width + 2)))}, items joined with {@code ", "} and
     * lines with {@code ",\n"} and {@code indent + 1} spaces.
     */
    private String vector(int offset, int indent) {
        int dim = shape.length - 1;
        List<String> items = new ArrayList<>();
        for (int i : rows(dim)) {
            items.add(i == GAP ? " ..." : element(offset + i * strides[dim]));
        }
        int perLine = Math.max(1, Math.floorDiv(LINE_WIDTH - indent, formatter.width() + 2));
        List<String> lines = new ArrayList<>();
        for (int start = 0; start < items.size(); start += perLine) {
            lines.add(String.join(", ", items.subList(start, Math.min(start + perLine, items.size()))));
        }
        return "[" + String.join(",\n" + " ".repeat(indent + 1), lines) + "]";
    }

    // ---- argument checks -------------------------------------------------------------------------------

    /** The number of elements of a shape (1 for a 0-d shape); negative sizes and more than 2^31 − 1 elements are refused. */
    static int numel(int[] shape) {
        long n = 1;
        for (int size : shape) {
            if (size < 0) {
                throw new IllegalArgumentException("TensorFormatter: shape " + Arrays.toString(shape)
                        + " has a negative size");
            }
            n = Math.min(n * size, Integer.MAX_VALUE + 1L); // saturates; a later 0 still gives 0
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("TensorFormatter: shape " + Arrays.toString(shape)
                    + " has more elements than a Java array holds");
        }
        return (int) n;
    }

    /** The values must be of the dtype's kind, one per element, float32 values exactly float32, bools 0 or 1. */
    private static void checkValues(DType dtype, int[] shape, int numel, double[] floats, long[] ints) {
        boolean floating = dtype.isFloatingPoint();
        if ((floats != null) != floating || (ints != null) == floating) {
            throw new IllegalArgumentException("TensorFormatter: dtype " + dtype.torchName() + " needs "
                    + (floating ? "floats" : "ints") + " and only those, got floats "
                    + (floats == null ? "null" : "non-null") + ", ints " + (ints == null ? "null" : "non-null"));
        }
        int length = floating ? floats.length : ints.length;
        if (length != numel) {
            throw new IllegalArgumentException("TensorFormatter: shape " + Arrays.toString(shape) + " holds "
                    + numel + " elements but " + (floating ? "floats" : "ints") + " has " + length);
        }
        for (int i = 0; i < length; i++) {
            if (dtype == DType.FLOAT32 && (double) (float) floats[i] != floats[i] && !Double.isNaN(floats[i])) {
                throw new IllegalArgumentException("TensorFormatter: floats[" + i + "] = " + floats[i]
                        + " is not a float32 value, but the dtype is float32");
            }
            if (dtype == DType.BOOL && ints[i] != 0 && ints[i] != 1) {
                throw new IllegalArgumentException("TensorFormatter: ints[" + i + "] = " + ints[i]
                        + " is not 0 or 1, but the dtype is bool");
            }
        }
    }
}
