package dlblocks.tensor;

import java.util.Arrays;

/**
 * The CPU backend that runs by default: the same results as the reference {@link CpuBackend}, bit for
 * bit, in less time. It specialises the hot float32 kernels into typed loops and skips work that
 * provably cannot change a result; every other case is handed to the reference. The properties in
 * {@code BackendEquivalenceProperties} run both on the same inputs and compare every bit.
 *
 * <p>The skipping rests on two facts about a float32 storage, kept in {@link Facts} (or given by its
 * compact form, see {@link CpuStorage}) and forgotten on any write the fast backend does not control:
 * <ul>
 * <li><b>zeros</b>: the positions that may be non-zero (all others are exactly +0.0). A product with +0
 *     is ±0 when the other factor is finite, and adding ±0 to a running float sum that started at +0
 *     never changes it (such a sum is never −0), so those terms of a matrix product can be skipped;
 *     likewise θ + s·(+0) = θ exactly when s is finite with its sign bit set, so an update can skip them.</li>
 * <li><b>finiteness</b>: whether every value is finite — needed before skipping x·w terms, because 0·∞
 *     is NaN.</li>
 * </ul>
 * This is what makes the tutorial's dense loop fast: its BoW vector and the weight gradient it produces
 * are almost all zeros, so they are kept compact and only their non-zeros are touched.
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

    /** Zeros; float32 zeros start compact, so no array is made until something needs it. */
    @Override
    public Storage zeros(DType dtype, int numel) {
        if (dtype == DType.FLOAT32) {
            return new CpuStorage(numel, new int[0], new float[0]);
        }
        return REFERENCE.zeros(dtype, numel);
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
        if (in.isFloat32() && out.isFloat32()) {
            if (in.isCompact()) {
                out.setCompact(in.compactPositions().clone(), in.compactValues().clone());
            } else {
                System.arraycopy(in.f(), 0, out.f(), 0, in.numel());
            }
            out.facts = in.facts;
            return;
        }
        REFERENCE.copy(src, dst);
    }

    @Override
    public void logSoftmax(Storage in, int outer, int n, int inner, Storage out) {
        REFERENCE.logSoftmax(in, outer, n, inner, out);
    }

    @Override
    public void logSoftmaxBackward(Storage g, Storage logY, int outer, int n, int inner, Storage out) {
        REFERENCE.logSoftmaxBackward(g, logY, outer, n, inner, out);
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
        if (!in.isFloat32() || !out.isFloat32() || sf != s) {
            REFERENCE.map(op, s, storage, output);
            return;
        }
        // Each loop is the reference formula: one float operation, rounded once.
        switch (op) {
            case FILL: {
                float[] y = out.f();
                Arrays.fill(y, sf);
                break;
            }
            case MUL_SCALAR: {
                float[] x = in.f();
                float[] y = out.f();
                for (int i = 0; i < y.length; i++) y[i] = x[i] * sf;
                break;
            }
            case ADD_SCALAR: {
                float[] x = in.f();
                float[] y = out.f();
                for (int i = 0; i < y.length; i++) y[i] = x[i] + sf;
                break;
            }
            case DIV_SCALAR: { // a float quotient is the double quotient rounded once to float
                float[] x = in.f();
                float[] y = out.f();
                for (int i = 0; i < y.length; i++) y[i] = x[i] / sf;
                break;
            }
            case NEG: {
                float[] x = in.f();
                float[] y = out.f();
                for (int i = 0; i < y.length; i++) y[i] = -x[i];
                break;
            }
            case SQRT: {
                float[] x = in.f();
                float[] y = out.f();
                for (int i = 0; i < y.length; i++) y[i] = (float) Math.sqrt(x[i]);
                break;
            }
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
        boolean floats = a.isFloat32() && b.isFloat32() && out.isFloat32();
        int[] contiguous = Shape.strides(shape);
        boolean aFull = Arrays.equals(aStrides, contiguous) && a.numel() == out.numel();
        boolean bFull = Arrays.equals(bStrides, contiguous);
        boolean bScalar = isZero(bStrides);
        if (!floats || !aFull || !(bFull || bScalar)) {
            REFERENCE.zip(op, s, sa, aStrides, sb, bStrides, shape, output);
            return;
        }
        if (op == BinaryOp.ADD && bFull && skipsZeros(s) && out == a && nonzeroIfKnown(b) != null) {
            addScaledAtNonzeros(a, b, s);
            return;
        }
        float[] x = a.f();
        float[] y = b.f();
        float[] z = out.f();
        int n = z.length;
        out.facts = null;
        if (n == 0) {
            return;
        }
        float sf = (float) s;
        switch (op) {
            case ADD:
                // a + s·b rounded once, as PyTorch's vec::fmadd (s = 1 is a plain addition)
                if (bScalar) { float c = y[0]; for (int i = 0; i < n; i++) z[i] = Math.fma(sf, c, x[i]); }
                else for (int i = 0; i < n; i++) z[i] = Math.fma(sf, y[i], x[i]);
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
        }
    }

    /**
     * a ← a + s·b where b is +0.0 outside its known non-zeros: there a + s·(+0) = a + (−0) = a exactly,
     * because s is finite with its sign bit set (see {@link #skipsZeros}).
     */
    private static void addScaledAtNonzeros(CpuStorage a, CpuStorage b, double s) {
        float sf = (float) s;
        Boolean wasFinite = a.facts == null ? null : a.facts.finite;
        int[] at = nonzeroIfKnown(b);
        float[] x = a.f();
        boolean finite = true;
        if (b.isCompact()) {
            float[] v = b.compactValues();
            for (int k = 0; k < at.length; k++) {
                x[at[k]] = Math.fma(sf, v[k], x[at[k]]);
                finite &= Float.isFinite(x[at[k]]);
            }
        } else {
            float[] y = b.f();
            for (int i : at) {
                x[i] = Math.fma(sf, y[i], x[i]);
                finite &= Float.isFinite(x[i]);
            }
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
        if (!in.isFloat32() || !out.isFloat32() || inner != 1 || op != ReduceOp.SUM) {
            REFERENCE.reduce(op, storage, outer, n, inner, output);
            return;
        }
        float[] x = in.f();
        float[] y = out.f();
        for (int o = 0; o < outer; o++) {
            float acc = 0;
            for (int j = 0; j < n; j++) {
                acc += x[o * n + j];
            }
            y[o] = acc;
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
    public void matmul(Storage sa, boolean transA, Storage sb, boolean transB, int m, int k, int n, Storage bias,
                       Storage output) {
        CpuStorage a = (CpuStorage) sa;
        CpuStorage b = (CpuStorage) sb;
        CpuStorage out = (CpuStorage) output;
        if (!a.isFloat32() || !b.isFloat32() || !out.isFloat32() || bias != null && !((CpuStorage) bias).isFloat32()) {
            REFERENCE.matmul(sa, transA, sb, transB, m, k, n, bias, output);
            return;
        }
        multiply(a, transA, b, transB, m, k, n, out);
        if (bias != null) addToEveryRow(((CpuStorage) bias).f(), m, n, out);
    }

    /** The product alone, as described above. */
    private static void multiply(CpuStorage a, boolean transA, CpuStorage b, boolean transB, int m, int k, int n,
                                 CpuStorage out) {
        if (!transB && b.numel() >= SPARSE_SCAN_MIN && finite(a) && sparse(b) != null) {
            multiplyBySparse(a.f(), transA, b, m, k, n, out);
            return;
        }
        float[] y = b.f();
        float[] acc = new float[n];
        float[] z = new float[m * n];
        if (!transA && m == 1 && a.numel() >= SPARSE_SCAN_MIN && finite(b) && sparse(a) != null) {
            // one sparse row times B: only A's non-zeros contribute
            int[] at = nonzero(a);
            float[] values = a.isCompact() ? a.compactValues() : null;
            float[] x = values == null ? a.f() : null;
            for (int e = 0; e < at.length; e++) {
                accumulate(acc, values != null ? values[e] : x[at[e]], y, transB, at[e], k, n);
            }
            System.arraycopy(acc, 0, z, 0, n);
        } else {
            float[] x = a.f();
            for (int i = 0; i < m; i++) {
                Arrays.fill(acc, 0f);
                for (int p = 0; p < k; p++) {
                    accumulate(acc, transA ? x[p * m + i] : x[i * k + p], y, transB, p, k, n);
                }
                System.arraycopy(acc, 0, z, i * n, n);
            }
        }
        out.setArray(z);
        out.facts = null;
    }

    /** out(i, j) += bias(j), one float32 rounding: the reference's bias step. */
    private static void addToEveryRow(float[] bias, int m, int n, CpuStorage out) {
        float[] z = out.f();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) z[i * n + j] += bias[j];
        }
        out.setArray(z);
        out.facts = null;
    }

    /**
     * A·B for a finite A and a B that is mostly +0 (gᵀ·x with x a batch of BoW vectors): only B's
     * non-zeros are visited, and each output still sums its terms in ascending p, starting from +0.
     * With one row of B (the tutorial's single sentence) the result is kept compact.
     */
    private static void multiplyBySparse(float[] x, boolean transA, CpuStorage b, int m, int k, int n,
                                         CpuStorage out) {
        int[] bNonzero = nonzero(b);
        float[] bValues = b.isCompact() ? b.compactValues() : null;
        float[] y = bValues == null ? b.f() : null;
        if (k == 1) {
            // out[i][j] = 0 + A(i, 0)·B(0, j) at the columns j where B is non-zero; +0 elsewhere
            int count = bNonzero.length;
            int[] positions = new int[m * count];
            float[] values = new float[m * count];
            for (int i = 0; i < m; i++) {
                float av = x[i]; // A(i, 0) whether or not A is read transposed: A is m×1 or 1×m
                for (int e = 0; e < count; e++) {
                    positions[i * count + e] = i * n + bNonzero[e];
                    values[i * count + e] = 0f + av * (bValues != null ? bValues[e] : y[bNonzero[e]]);
                }
            }
            out.setCompact(positions, values);
            out.facts = null;
            return;
        }
        float[] z = new float[m * n];
        int[] bRow = rowStarts(bNonzero, k, n);
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                float av = transA ? x[p * m + i] : x[i * k + p];
                for (int e = bRow[p]; e < bRow[p + 1]; e++) {
                    int j = bNonzero[e] - p * n;
                    z[i * n + j] += av * (bValues != null ? bValues[e] : y[bNonzero[e]]);
                }
            }
        }
        out.setArray(z);
        out.facts = null;
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
        return positions.length <= s.numel() / 8 ? positions : null;
    }

    /** The known non-zero positions without scanning (compact form, or remembered), else null. */
    private static int[] nonzeroIfKnown(CpuStorage s) {
        if (s.isCompact()) return s.compactPositions();
        return s.facts == null ? null : s.facts.nonzero;
    }

    /** The ascending positions that may be non-zero (known, or found by a scan and remembered). */
    private static int[] nonzero(CpuStorage s) {
        int[] known = nonzeroIfKnown(s);
        if (known != null) return known;
        int[] positions = new int[16];
        int count = 0;
        float[] f = s.f();
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

    /** Whether every element is finite (known, or found by a scan and remembered). */
    private static boolean finite(CpuStorage s) {
        if (s.facts != null && s.facts.finite != null) return s.facts.finite;
        // The exponent field is all ones exactly for ±∞ and NaN: adding 2^23 to it then carries into bit 31.
        int any = 0;
        if (s.isCompact()) {
            for (float v : s.compactValues()) any |= (Float.floatToRawIntBits(v) & 0x7f800000) + 0x00800000;
        } else {
            for (float v : s.f()) any |= (Float.floatToRawIntBits(v) & 0x7f800000) + 0x00800000;
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
