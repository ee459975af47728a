package dlblocks.random;

/**
 * The in-place transform that turns 16 uniforms into 16 normals on torch's vector path
 * (torch-compat.md §4.3–§4.5). Pair j (0..7) takes {@code u1 = 1 − d[b+j]} for the radius and
 * {@code u2 = d[b+j+8]} for the angle:
 *
 * <pre>
 *   r = sqrt(−2·log(u1)),  θ = 2π·u2,  d[b+j] = r·cos θ · std + mean,  d[b+j+8] = r·sin θ · std + mean
 * </pre>
 *
 * so the first eight outputs of a block are cosines and the last eight sines. {@code 1 − u} maps the
 * uniform's [0, 1) onto (0, 1], where log is finite.
 */
final class BoxMuller {
    private BoxMuller() {
    }

    /**
     * float32 (§4.4): log and sincos are the AVX2 polynomials of {@link AvxMath}, not libm, because that is
     * what torch's x86-64 build runs; the scaling is one fma per output, as GCC contracted it.
     */
    static void block(float[] d, int b, float mean, float std) {
        for (int j = 0; j < 8; j++) {
            float u1 = 1f - d[b + j];
            float u2 = d[b + j + 8];
            // A float sqrt through double is correctly rounded: double has more than 2·24 + 2 bits.
            float radius = (float) Math.sqrt(-2f * AvxMath.logA(u1));
            AvxMath.SinCos sc = AvxMath.sincosA(AvxMath.TWO_PI * u2);
            d[b + j] = Math.fma(radius * sc.cos(), std, mean);
            d[b + j + 8] = Math.fma(radius * sc.sin(), std, mean);
        }
    }

    /**
     * float64 (§4.5): torch calls glibc's log, cos and sin here; {@link StrictMath} (fdlibm) gives the same
     * result on every JVM but is not always bit-identical to glibc, so float64 normals may differ from
     * torch in the last bit or two.
     */
    static void block(double[] d, int b, double mean, double std) {
        for (int j = 0; j < 8; j++) {
            double u1 = 1.0 - d[b + j];
            double u2 = d[b + j + 8];
            double radius = Math.sqrt(-2.0 * StrictMath.log(u1));
            double theta = 2.0 * Math.PI * u2;
            d[b + j] = Math.fma(radius * StrictMath.cos(theta), std, mean);
            d[b + j + 8] = Math.fma(radius * StrictMath.sin(theta), std, mean);
        }
    }
}
