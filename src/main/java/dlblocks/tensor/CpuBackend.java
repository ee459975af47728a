package dlblocks.tensor;

/**
 * The reference backend: plain loops in the clearest order. Each element is computed in double
 * precision and rounded once to the dtype by {@link CpuStorage#set}; sums accumulate left to right,
 * rounding after every addition, so float32 results are those of a plain float32 loop.
 */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public Storage zeros(DType dtype, int numel) {
        return new CpuStorage(dtype, numel);
    }

    @Override
    public Storage fromDoubles(DType dtype, double[] values) {
        CpuStorage s = new CpuStorage(dtype, values.length);
        for (int i = 0; i < values.length; i++) {
            s.set(i, values[i]);
        }
        return s;
    }

    @Override
    public Storage fromFloats(float[] values) {
        return new CpuStorage(values.clone());
    }

    @Override
    public Storage fromLongs(DType dtype, long[] values) {
        CpuStorage s = new CpuStorage(dtype, values.length);
        if (s.l != null) {
            for (int i = 0; i < values.length; i++) {
                s.l[i] = castLong(dtype, values[i]);
            }
        } else {
            for (int i = 0; i < values.length; i++) {
                s.set(i, values[i]);
            }
        }
        return s;
    }

    @Override
    public double[] toDoubles(Storage storage) {
        CpuStorage s = cpu(storage);
        double[] out = new double[s.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.get(i);
        }
        return out;
    }

    @Override
    public float[] toFloats(Storage storage) {
        CpuStorage s = cpu(storage);
        if (!s.isFloat32()) {
            throw new IllegalStateException("expected a float32 storage, found " + s.dtype().torchName());
        }
        return s.f().clone();
    }

    @Override
    public long[] toLongs(Storage storage) {
        CpuStorage s = cpu(storage);
        if (s.l != null) {
            return s.l.clone();
        }
        long[] out = new long[s.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (long) s.get(i);
        }
        return out;
    }

    @Override
    public void copy(Storage src, Storage dst) {
        CpuStorage in = cpu(src);
        CpuStorage out = cpu(dst);
        if (in.l != null && out.l != null) {
            for (int i = 0; i < in.l.length; i++) {
                out.l[i] = castLong(out.dtype(), in.l[i]);
            }
            return;
        }
        for (int i = 0; i < in.numel(); i++) {
            out.set(i, in.get(i));
        }
    }

    @Override
    public void strided(Storage storage, int offset, int[] strides, int[] shape, Storage output) {
        CpuStorage in = cpu(storage);
        CpuStorage out = cpu(output);
        Odometer it = new Odometer(shape, strides, null);
        for (int i = 0; i < out.numel(); i++) {
            out.set(i, in.get(offset + it.offsetA));
            it.advance();
        }
    }

    @Override
    public void map(UnaryOp op, double s, Storage storage, Storage output) {
        CpuStorage in = cpu(storage);
        CpuStorage out = cpu(output);
        for (int i = 0; i < out.numel(); i++) {
            out.set(i, op.apply(in.get(i), s));
        }
    }

    @Override
    public void zip(BinaryOp op, double s, Storage sa, int[] aStrides, Storage sb, int[] bStrides, int[] shape,
                    Storage output) {
        CpuStorage a = cpu(sa);
        CpuStorage b = cpu(sb);
        CpuStorage out = cpu(output);
        Odometer it = new Odometer(shape, aStrides, bStrides);
        if ((op == BinaryOp.ADD || op == BinaryOp.SUB) && a.isFloat32() && b.isFloat32() && out.isFloat32()) {
            // a ± s·b rounded once to float32, as PyTorch's vec::fmadd does. The double fma rounded to float
            // would round twice, which differs when the double lands on a float32 midpoint.
            float scale = (float) (op == BinaryOp.ADD ? s : -s);
            out.facts = null; // written directly, not through set()
            float[] x = a.f();
            float[] y = b.f();
            float[] z = out.f();
            for (int i = 0; i < z.length; i++) {
                z[i] = Math.fma(scale, y[it.offsetB], x[it.offsetA]);
                it.advance();
            }
            return;
        }
        for (int i = 0; i < out.numel(); i++) {
            out.set(i, op.apply(a.get(it.offsetA), b.get(it.offsetB), s));
            it.advance();
        }
    }

    @Override
    public void reduce(ReduceOp op, Storage storage, int outer, int n, int inner, Storage output) {
        CpuStorage in = cpu(storage);
        CpuStorage out = cpu(output);
        DType dtype = out.dtype();
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                out.set(o * inner + i, op == ReduceOp.SUM ? sum(in, base, n, inner, dtype) : max(in, base, n, inner));
            }
        }
    }

    /** Σ over j of in[base + j·inner], j ascending, rounding to the dtype after every addition. */
    private static double sum(CpuStorage in, int base, int n, int inner, DType dtype) {
        double acc = 0;
        for (int j = 0; j < n; j++) {
            acc = dtype.round(acc + in.get(base + j * inner));
        }
        return acc;
    }

    /** The largest in[base + j·inner] (−∞ for none); a NaN counts as the largest. */
    private static double max(CpuStorage in, int base, int n, int inner) {
        double acc = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            double v = in.get(base + j * inner);
            if (Double.isNaN(v)) {
                return v;
            }
            acc = v > acc ? v : acc;
        }
        return acc;
    }

    @Override
    public void logSoftmax(Storage storage, int outer, int n, int inner, Storage output) {
        CpuStorage in = cpu(storage);
        CpuStorage out = cpu(output);
        DType dtype = out.dtype();
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                double m = max(in, base, n, inner);
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    double shifted = subtract(dtype, in.get(base + j * inner), m);
                    sum = dtype.round(sum + dtype.round(StrictMath.exp(shifted)));
                }
                double logSum = dtype.round(StrictMath.log(sum));
                for (int j = 0; j < n; j++) {
                    out.set(base + j * inner, subtract(dtype, subtract(dtype, in.get(base + j * inner), m), logSum));
                }
            }
        }
    }

    @Override
    public void logSoftmaxBackward(Storage gradient, Storage logProbabilities, int outer, int n, int inner,
                                   Storage output) {
        CpuStorage g = cpu(gradient);
        CpuStorage logY = cpu(logProbabilities);
        CpuStorage out = cpu(output);
        DType dtype = out.dtype();
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                double sum = sum(g, base, n, inner, dtype);
                for (int j = 0; j < n; j++) {
                    int at = base + j * inner;
                    double y = dtype.round(StrictMath.exp(logY.get(at)));
                    out.set(at, subtract(dtype, g.get(at), dtype.round(y * sum)));
                }
            }
        }
    }

    /** a − b rounded once to the dtype, as {@link #zip} subtracts (in float32, one float fma). */
    private static double subtract(DType dtype, double a, double b) {
        return dtype == DType.FLOAT32 ? Math.fma(-1f, (float) b, (float) a) : dtype.round(BinaryOp.SUB.apply(a, b, 1));
    }

    @Override
    public void argmax(Storage storage, int outer, int n, int inner, Storage output) {
        CpuStorage in = cpu(storage);
        CpuStorage out = cpu(output);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                int best = 0;
                double max = in.get(base);
                for (int j = 1; j < n && !Double.isNaN(max); j++) {
                    double v = in.get(base + j * inner);
                    if (v > max || Double.isNaN(v)) {
                        max = v;
                        best = j;
                    }
                }
                out.set(o * inner + i, best);
            }
        }
    }

    @Override
    public void matmul(Storage sa, boolean transA, Storage sb, boolean transB, int m, int k, int n,
                       Storage biasStorage, Storage output) {
        CpuStorage a = cpu(sa);
        CpuStorage b = cpu(sb);
        CpuStorage bias = biasStorage == null ? null : cpu(biasStorage);
        CpuStorage out = cpu(output);
        DType dtype = out.dtype();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    double x = a.get(transA ? p * m + i : i * k + p);
                    double y = b.get(transB ? j * k + p : p * n + j);
                    acc = dtype.round(acc + dtype.round(x * y));
                }
                out.set(i * n + j, bias == null ? acc : dtype.round(acc + bias.get(j)));
            }
        }
    }

    @Override
    public void gather(Storage storage, int outer, int n, int inner, Storage indexStorage, int j,
                       Storage output) {
        CpuStorage in = cpu(storage);
        CpuStorage index = cpu(indexStorage);
        CpuStorage out = cpu(output);
        for (int o = 0; o < outer; o++) {
            for (int q = 0; q < j; q++) {
                for (int i = 0; i < inner; i++) {
                    int at = (o * j + q) * inner + i;
                    int row = (int) index.l[at];
                    out.set(at, in.get((o * n + row) * inner + i));
                }
            }
        }
    }

    @Override
    public void scatterAdd(Storage source, Storage indexStorage, int outer, int j, int inner, int n,
                           Storage output) {
        CpuStorage src = cpu(source);
        CpuStorage index = cpu(indexStorage);
        CpuStorage out = cpu(output);
        for (int o = 0; o < outer; o++) {
            for (int q = 0; q < j; q++) {
                for (int i = 0; i < inner; i++) {
                    int at = (o * j + q) * inner + i;
                    int target = (o * n + (int) index.l[at]) * inner + i;
                    out.set(target, out.get(target) + src.get(at));
                }
            }
        }
    }

    /** v converted to an integer dtype as a C cast converts it: int64 keeps every long (no detour through double). */
    private static long castLong(DType dtype, long v) {
        switch (dtype) {
            case INT32: return (int) v;
            case BOOL: return v != 0 ? 1 : 0;
            default: return v;
        }
    }

    private static CpuStorage cpu(Storage s) {
        if (!(s instanceof CpuStorage)) {
            throw new IllegalArgumentException("the CPU backend was given storage on " + s.device());
        }
        return (CpuStorage) s;
    }

    /**
     * Walks the elements of {@code shape} in row-major order and keeps, for one or two operands, the
     * storage offset {@code Σ index[d]·stride[d]} — adding one stride per step instead of recomputing
     * the sum.
     */
    static final class Odometer {
        private final int[] shape;
        private final int[] aStrides;
        private final int[] bStrides;
        private final int[] index;
        int offsetA;
        int offsetB;

        Odometer(int[] shape, int[] aStrides, int[] bStrides) {
            this.shape = shape;
            this.aStrides = aStrides;
            this.bStrides = bStrides == null ? new int[shape.length] : bStrides;
            this.index = new int[shape.length];
        }

        void advance() {
            for (int d = shape.length - 1; d >= 0; d--) {
                index[d]++;
                offsetA += aStrides[d];
                offsetB += bStrides[d];
                if (index[d] < shape[d]) {
                    return;
                }
                offsetA -= aStrides[d] * shape[d];
                offsetB -= bStrides[d] * shape[d];
                index[d] = 0;
            }
        }
    }
}
