package dlblocks.tensor;

import java.util.Arrays;

/**
 * Host memory: a {@code float[]} for float32, a {@code double[]} for float64 and a {@code long[]} for
 * the integer and bool types. {@link #get} widens to double and {@link #set} rounds once to the dtype,
 * which lets each CPU kernel be written once for every dtype.
 *
 * <p>A float32 storage may also be held <em>compactly</em>: +0.0 everywhere except {@code values[k]} at
 * the ascending {@code positions[k]} — a BoW vector, or the gradient it produces, is almost all zeros.
 * The full array is made the first time anything needs it; only {@link FastCpuBackend} works on the
 * compact form directly.
 */
public final class CpuStorage implements Storage {
    private final DType dtype;
    private final int numel;
    private float[] f;
    final double[] d;
    final long[] l;
    private int[] positions;
    private float[] values;
    /**
     * What {@link FastCpuBackend} knows of the values (float32 only), or null for nothing. Every write
     * that does not go through the fast backend forgets it.
     */
    FastCpuBackend.Facts facts;
    private final long serial = Storage.nextSerial();

    CpuStorage(DType dtype, int numel) {
        this.dtype = dtype;
        this.numel = numel;
        this.f = dtype == DType.FLOAT32 ? new float[numel] : null;
        this.d = dtype == DType.FLOAT64 ? new double[numel] : null;
        this.l = dtype.isFloatingPoint() ? null : new long[numel];
    }

    CpuStorage(float[] values) {
        this.dtype = DType.FLOAT32;
        this.numel = values.length;
        this.f = values;
        this.d = null;
        this.l = null;
    }

    /** A compact float32 storage of {@code numel} elements: +0.0 except values[k] at ascending positions[k]. */
    CpuStorage(int numel, int[] positions, float[] values) {
        this.dtype = DType.FLOAT32;
        this.numel = numel;
        this.d = null;
        this.l = null;
        setCompact(positions, values);
    }

    @Override
    public long serial() {
        return serial;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int numel() {
        return numel;
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    boolean isFloat32() {
        return dtype == DType.FLOAT32;
    }

    /** Whether this float32 storage is held compactly (no full array yet). */
    boolean isCompact() {
        return positions != null;
    }

    int[] compactPositions() {
        return positions;
    }

    float[] compactValues() {
        return values;
    }

    /** Replaces the contents with +0.0 except values[k] at the ascending positions[k]. */
    void setCompact(int[] positions, float[] values) {
        this.f = null;
        this.positions = positions;
        this.values = values;
    }

    /** Replaces the contents with the full array {@code values} (which the storage now owns). */
    void setArray(float[] values) {
        if (values.length != numel) {
            throw new IllegalArgumentException(values.length + " values for a storage of " + numel);
        }
        this.f = values;
        this.positions = null;
        this.values = null;
    }

    /** The full float32 array, made from the compact form if need be (what the fast backend knew is kept). */
    float[] f() {
        if (positions != null) {
            float[] full = new float[numel];
            for (int k = 0; k < positions.length; k++) {
                full[positions[k]] = values[k];
            }
            f = full;
            positions = null;
            values = null;
        }
        return f;
    }

    /** Element {@code i}, widened to double. */
    public double get(int i) {
        if (positions != null) {
            int k = Arrays.binarySearch(positions, i);
            return k >= 0 ? values[k] : 0.0;
        }
        if (f != null) return f[i];
        if (d != null) return d[i];
        return l[i];
    }

    /** Sets element {@code i} to {@code v} rounded once to this storage's dtype. */
    public void set(int i, double v) {
        facts = null;
        if (dtype == DType.FLOAT32) {
            f()[i] = (float) v;
        } else if (d != null) {
            d[i] = v;
        } else {
            l[i] = (long) dtype.round(v);
        }
    }

    /**
     * The float32 array itself (not a copy), for fast paths that work on float32 data in place. The
     * caller may write into it, so whatever the fast backend knew of the values is forgotten; the caller
     * must not keep the array across other operations on this storage.
     */
    public float[] floatArray() {
        if (dtype != DType.FLOAT32) {
            throw new IllegalStateException("expected a float32 storage, found " + dtype.torchName());
        }
        facts = null;
        return f();
    }
}
