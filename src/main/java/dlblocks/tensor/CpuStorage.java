package dlblocks.tensor;

/**
 * Host memory: a {@code float[]} for float32, a {@code double[]} for float64 and a {@code long[]} for
 * the integer and bool types. {@link #get} widens to double and {@link #set} rounds once to the dtype,
 * which lets each CPU kernel be written once for every dtype.
 */
public final class CpuStorage implements Storage {
    private final DType dtype;
    final float[] f;
    final double[] d;
    final long[] l;
    /**
     * What {@link FastCpuBackend} knows of the values (float32 only), or null for nothing. Every write
     * that does not go through the fast backend forgets it.
     */
    FastCpuBackend.Facts facts;

    CpuStorage(DType dtype, int numel) {
        this.dtype = dtype;
        this.f = dtype == DType.FLOAT32 ? new float[numel] : null;
        this.d = dtype == DType.FLOAT64 ? new double[numel] : null;
        this.l = dtype.isFloatingPoint() ? null : new long[numel];
    }

    CpuStorage(float[] values) {
        this.dtype = DType.FLOAT32;
        this.f = values;
        this.d = null;
        this.l = null;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int numel() {
        return f != null ? f.length : d != null ? d.length : l.length;
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    /** Element {@code i}, widened to double. */
    public double get(int i) {
        if (f != null) return f[i];
        if (d != null) return d[i];
        return l[i];
    }

    /** Sets element {@code i} to {@code v} rounded once to this storage's dtype. */
    public void set(int i, double v) {
        facts = null;
        if (f != null) {
            f[i] = (float) v;
        } else if (d != null) {
            d[i] = v;
        } else {
            l[i] = (long) dtype.round(v);
        }
    }

    /**
     * The float32 array itself (not a copy), for fast paths that work on float32 data in place. The
     * caller may write into it, so whatever the fast backend knew of the values is forgotten.
     */
    public float[] floatArray() {
        if (f == null) {
            throw new IllegalStateException("expected a float32 storage, found " + dtype.torchName());
        }
        facts = null;
        return f;
    }
}
