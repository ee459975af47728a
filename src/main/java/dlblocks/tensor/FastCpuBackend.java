package dlblocks.tensor;

import java.util.Arrays;

/**
 * The CPU backend that runs by default: the same results as the reference {@link CpuBackend}, bit for
 * bit, in less time. It specialises the hot float32 kernels into typed loops and skips work that
 * provably cannot change a result; every other case is handed to the reference. The properties in
 * {@code BackendEquivalenceProperties} run both on the same inputs and compare every bit.
 *
 * <p>The skipping rests on two facts the backend keeps per float32 storage ({@link Facts}), computed
 * when needed and forgotten on any write it does not control:
 * <ul>
 * <li><b>zeros</b>: the positions that may be non-zero (all others are exactly +0.0). A product with
 *     +0.0 is ±0 when the other factor is finite, and adding ±0 to a running float sum that started at
 *     +0 never changes it (such a sum is never −0), so those terms of a matrix product can be skipped;
 *     likewise θ + s·(+0) = θ when s is finite with its sign bit set, so an update can skip them.</li>
 * <li><b>finiteness</b>: whether every value is finite — needed before skipping x·w terms, because
 *     0·∞ is NaN.</li>
 * </ul>
 * This is what makes the tutorial's dense loop fast: its BoW vector and the weight gradient it produces
 * are almost all zeros.
 */
public final class FastCpuBackend implements Backend {
    public static final FastCpuBackend INSTANCE = new FastCpuBackend();

    private static final CpuBackend REFERENCE = CpuBackend.INSTANCE;
    /** Below this many elements, finding the non-zeros costs more than it saves. */
    private static final int SPARSE_SCAN_MIN = 4096;

    /** What is known of a float32 storage's values; null fields mean "not known". */
    static final class Facts {
        /** Indices outside which every element is +0.0, ascending; null when not known. */
        int[] nonzero;
        /** TRUE/FALSE when it is known whether every element is finite. */
        Boolean finite;
    }

    private FastCpuBackend() {
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public Storage zeros(DType dtype, int numel) {
        CpuStorage s = (CpuStorage) REFERENCE.zeros(dtype, numel);
        if (s.f != null) {
            s.facts = new Facts();
            s.facts.nonzero = new int[0];
            s.facts.finite = Boolean.TRUE;
        }
        return s;
    }

    @Override
    public Storage fromDoubles(DType dtype, double[] values) {
        return REFERENCE.fromDoubles(dtype, values);
    }

    @Override
    public Storage fromFloats(float[] values) {
        return REFERENCE.fromFloats(values);
    }

    @Override
    public Storage fromLongs(DType dtype, long[] values) {
        return REFERENCE.fromLongs(dtype, values);
    }

    @Override
    public double[] toDoubles(Storage s) {
        return REFERENCE.toDoubles(s);
    }

    @Override
    public float[] toFloats(Storage s) {
        return REFERENCE.toFloats(s);
    }

    @Override
    public long[] toLongs(Storage s) {
        return REFERENCE.toLongs(s);
    }

    @Override
    public void copy(Storage src, Storage dst) {
        CpuStorage in = (CpuStorage) src;
        CpuStorage out = (CpuStorage) dst;
        if (in.f != null && out.f != null) {
            System.arraycopy(in.f, 0, out.f, 0, in.f.length);
            out.facts = in.facts;
            return;
        }
        REFERENCE.copy(src, dst);
    }

    @Override
    public void strided(Storage in, int offset, int[] strides, int[] shape, Storage out) {
        REFERENCE.strided(in, offset, strides, shape, out);
    }

    @Override
    public void map(UnaryOp op, double s, Storage storage, Storage output) {
        CpuStorage in = (CpuStorage) storage;
        CpuStorage out = (CpuStorage) output;
        float sf = (float) s;
        if (in.f == null || out.f == null || sf != s) {
            REFERENCE.map(op, s, storage, output);
            return;
        }
        float[] x = in.f;
        float[] y = out.f;
        // Each loop is the reference formula: one float operation, rounded once.
        switch (op) {
            case FILL:
                Arrays.fill(y, sf);
                out.facts = null;
                return;
            case MUL_SCALAR:
                for (int i = 0; i < y.length; i++) y[i] = x[i] * sf;
                break;
            case ADD_SCALAR:
                for (int i = 0; i < y.length; i++) y[i] = x[i] + sf;
                break;
            case NEG:
                for (int i = 0; i < y.length; i++) y[i] = -x[i];
                break;
            case SQRT:
                for (int i = 0; i < y.length; i++) y[i] = (float) Math.sqrt(x[i]);
                break;
            default:
                REFERENCE.map(op, s, storage, output);
                return;
        }
        out.facts = null;
    }

    @Override
    public void zip(BinaryOp op, double s, Storage sa, int[] aStrides, Storage sb, int[] bStrides, int[] shape,
                    Storage output) {
        CpuStorage a = (CpuStorage) sa;
        CpuStorage b = (CpuStorage) sb;
        CpuStorage out = (CpuStorage) output;
        boolean floats = a.f != null && b.f != null && out.f != null;
        int[] contiguous = Shape.strides(shape);
        boolean aFull = Arrays.equals(aStrides, contiguous) && a.f != null && a.f.length == out.numel();
        boolean bFull = Arrays.equals(bStrides, contiguous);
        boolean bScalar = isZero(bStrides);
        if (!floats || !aFull || !(bFull || bScalar)) {
            REFERENCE.zip(op, s, sa, aStrides, sb, bStrides, shape, output);
            return;
        }
        if (op == BinaryOp.ADD && bFull && skipsZeros(s) && out == a && b.facts != null && b.facts.nonzero != null) {
            addScaledAtNonzeros(a, b, s);
            return;
        }
        float[] x = a.f;
        float[] y = b.f;
        float[] z = out.f;
        int n = z.length;
        out.facts = null;
        if (n == 0) {
            return;
        }
        switch (op) {
            case ADD:
                if (s == 1) {
                    if (bScalar) { float c = y[0]; for (int i = 0; i < n; i++) z[i] = x[i] + c; }
                    else for (int i = 0; i < n; i++) z[i] = x[i] + y[i];
                } else {
                    // The reference's fused a + s·b, rounded once to float32 (s is already a float32 value).
                    float sf = (float) s;
                    if (bScalar) { float c = y[0]; for (int i = 0; i < n; i++) z[i] = Math.fma(sf, c, x[i]); }
                    else for (int i = 0; i < n; i++) z[i] = Math.fma(sf, y[i], x[i]);
                }
                break;
            case MUL:
                if (bScalar) { float c = y[0]; for (int i = 0; i < n; i++) z[i] = x[i] * c; }
                else for (int i = 0; i < n; i++) z[i] = x[i] * y[i];
                break;
            case DIV:
                if (bScalar) { float c = y[0]; for (int i = 0; i < n; i++) z[i] = x[i] / c; }
                else for (int i = 0; i < n; i++) z[i] = x[i] / y[i];
                break;
            default:
                REFERENCE.zip(op, s, sa, aStrides, sb, bStrides, shape, output);
                return;
        }
        out.facts = null;
    }

    /**
     * a ← a + s·b where b is +0.0 outside its known non-zeros: there a + s·(+0) = a + (−0) = a exactly,
     * because s is finite with its sign bit set (see {@link #skipsZeros}).
     */
    private static void addScaledAtNonzeros(CpuStorage a, CpuStorage b, double s) {
        float[] x = a.f;
        float[] y = b.f;
        Boolean wasFinite = a.facts == null ? null : a.facts.finite;
        boolean finite = true;
        float sf = (float) s;
        for (int i : b.facts.nonzero) {
            x[i] = Math.fma(sf, y[i], x[i]);
            finite &= Float.isFinite(x[i]);
        }
        // Values kept their places; the result is finite if a was and every changed value is.
        Facts facts = new Facts();
        facts.finite = Boolean.TRUE.equals(wasFinite) && finite ? Boolean.TRUE : null;
        a.facts = facts;
    }

    /** s·(+0) is −0 exactly when s is finite and its sign bit is set (s ≤ −0). */
    private static boolean skipsZeros(double s) {
        return Double.isFinite(s) && Math.copySign(1.0, s) < 0;
    }

    @Override
    public void reduce(ReduceOp op, Storage storage, int outer, int n, int inner, Storage output) {
        CpuStorage in = (CpuStorage) storage;
        CpuStorage out = (CpuStorage) output;
        if (in.f == null || out.f == null || inner != 1 || op != ReduceOp.SUM) {
            REFERENCE.reduce(op, storage, outer, n, inner, output);
            return;
        }
        for (int o = 0; o < outer; o++) {
            float acc = 0;
            for (int j = 0; j < n; j++) {
                acc += in.f[o * n + j];
            }
            out.f[o] = acc;
        }
        out.facts = null;
    }

    @Override
    public void argmax(Storage in, int outer, int n, int inner, Storage out) {
        REFERENCE.argmax(in, outer, n, inner, out);
    }

    /**
     * The reference's loop — each output a float32 sum over p in ascending order — with the p loop
     * outside the j loop so that rows are read in memory order, and with the terms that are provably ±0
     * skipped: where A(i, p) is +0 and B is finite (x·Wᵀ for a sparse x), and where B(p, j) is +0 and
     * A is finite (gᵀ·x for a sparse x).
     */
    @Override
    public void matmul(Storage sa, boolean transA, Storage sb, boolean transB, int m, int k, int n, Storage output) {
        CpuStorage a = (CpuStorage) sa;
        CpuStorage b = (CpuStorage) sb;
        CpuStorage out = (CpuStorage) output;
        if (a.f == null || b.f == null || out.f == null) {
            REFERENCE.matmul(sa, transA, sb, transB, m, k, n, output);
            return;
        }
        int[] bNonzero = !transB && b.f.length >= SPARSE_SCAN_MIN && finite(a) ? sparse(b) : null;
        if (bNonzero != null) {
            multiplyBySparse(a.f, transA, b.f, bNonzero, m, k, n, out);
            return;
        }
        float[] x = a.f;
        float[] y = b.f;
        int[] aNonzero = !transA && m == 1 && x.length >= SPARSE_SCAN_MIN && finite(b) ? sparse(a) : null;
        float[] acc = new float[n];
        for (int i = 0; i < m; i++) {
            Arrays.fill(acc, 0f);
            if (aNonzero != null) {
                for (int p : aNonzero) {
                    accumulate(acc, x[p], y, transB, p, k, n);
                }
            } else {
                for (int p = 0; p < k; p++) {
                    accumulate(acc, transA ? x[p * m + i] : x[i * k + p], y, transB, p, k, n);
                }
            }
            System.arraycopy(acc, 0, out.f, i * n, n);
        }
        out.facts = null;
    }

    /**
     * A·B for a finite A and a B that is mostly +0 (gᵀ·x with x a batch of BoW vectors): only B's
     * non-zeros are visited, and each output still sums its terms in ascending p, starting from +0.
     */
    private static void multiplyBySparse(float[] x, boolean transA, float[] y, int[] bNonzero, int m, int k, int n,
                                         CpuStorage out) {
        clear(out);
        float[] z = out.f;
        int[] bRow = rowStarts(bNonzero, k, n);
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                float av = transA ? x[p * m + i] : x[i * k + p];
                for (int e = bRow[p]; e < bRow[p + 1]; e++) {
                    int j = bNonzero[e] - p * n;
                    z[i * n + j] += av * y[bNonzero[e]];
                }
            }
        }
        Facts facts = new Facts();
        facts.nonzero = outputNonzero(bNonzero, k, m, n);
        out.facts = facts;
    }

    /** Sets every element to +0, touching only the known non-zeros when they are known. */
    private static void clear(CpuStorage s) {
        if (s.facts != null && s.facts.nonzero != null) {
            for (int i : s.facts.nonzero) s.f[i] = 0f;
        } else {
            Arrays.fill(s.f, 0f);
        }
    }

    /** Where the entries of each row of a k×n matrix begin in its ascending list of flat non-zero positions. */
    private static int[] rowStarts(int[] flat, int k, int n) {
        int[] starts = new int[k + 1];
        int e = 0;
        for (int p = 0; p < k; p++) {
            starts[p] = e;
            while (e < flat.length && flat[e] < (long) (p + 1) * n) e++;
        }
        starts[k] = flat.length;
        return starts;
    }

    /** The output positions a product with a sparse B may have written: every row, at the columns B uses. */
    private static int[] outputNonzero(int[] bNonzero, int k, int m, int n) {
        int[] columns;
        if (k == 1) {
            columns = bNonzero; // one row: its flat positions are its columns, already ascending
        } else {
            boolean[] used = new boolean[n];
            int count = 0;
            for (int flat : bNonzero) {
                if (!used[flat % n]) {
                    used[flat % n] = true;
                    count++;
                }
            }
            columns = new int[count];
            for (int j = 0, c = 0; j < n; j++) {
                if (used[j]) columns[c++] = j;
            }
        }
        int[] out = new int[m * columns.length];
        for (int i = 0; i < m; i++) {
            for (int c = 0; c < columns.length; c++) out[i * columns.length + c] = i * n + columns[c];
        }
        return out;
    }

    /** acc[j] += av·B(p, j) for every j. */
    private static void accumulate(float[] acc, float av, float[] y, boolean transB, int p, int k, int n) {
        if (transB) {
            for (int j = 0; j < acc.length; j++) acc[j] += av * y[j * k + p];
        } else {
            int row = p * n;
            for (int j = 0; j < acc.length; j++) acc[j] += av * y[row + j];
        }
    }

    @Override
    public void gather(Storage in, int outer, int n, int inner, Storage index, int j, Storage out) {
        REFERENCE.gather(in, outer, n, inner, index, j, out);
    }

    @Override
    public void scatterAdd(Storage src, Storage index, int outer, int j, int inner, int n, Storage out) {
        REFERENCE.scatterAdd(src, index, outer, j, inner, n, out);
    }

    /** The non-zero positions if at most an eighth of the elements are non-zero (worth skipping), else null. */
    private static int[] sparse(CpuStorage s) {
        int[] positions = nonzero(s);
        return positions.length <= s.f.length / 8 ? positions : null;
    }

    /** The ascending positions that may be non-zero (found by a scan and remembered). */
    private static int[] nonzero(CpuStorage s) {
        if (s.facts != null && s.facts.nonzero != null) return s.facts.nonzero;
        int[] positions = new int[16];
        int count = 0;
        float[] f = s.f;
        for (int i = 0; i < f.length; i++) {
            if (Float.floatToRawIntBits(f[i]) != 0) {
                if (count == positions.length) positions = Arrays.copyOf(positions, 2 * count);
                positions[count++] = i;
            }
        }
        positions = Arrays.copyOf(positions, count);
        facts(s).nonzero = positions;
        return positions;
    }

    /** Whether every element is finite (found by a scan and remembered). */
    private static boolean finite(CpuStorage s) {
        if (s.facts != null && s.facts.finite != null) return s.facts.finite;
        // The exponent field is all ones exactly for ±∞ and NaN: adding 2^23 to it then carries into bit 31.
        int any = 0;
        for (float v : s.f) {
            any |= (Float.floatToRawIntBits(v) & 0x7f800000) + 0x00800000;
        }
        boolean finite = any >= 0;
        facts(s).finite = finite;
        return finite;
    }

    private static Facts facts(CpuStorage s) {
        if (s.facts == null) s.facts = new Facts();
        return s.facts;
    }

    private static boolean isZero(int[] strides) {
        for (int st : strides) if (st != 0) return false;
        return true;
    }
}
