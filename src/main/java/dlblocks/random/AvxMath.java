package dlblocks.random;

/**
 * The float32 {@code log} and {@code sincos} that PyTorch's AVX2 {@code normal_} kernel uses
 * (Cephes polynomials from {@code avx_mathfun.h}), step for step as torch-compat.md §4.4 gives them.
 *
 * <p>Each {@code ⊕ ⊖ ⊗} is one float32 operation; {@link Math#fma(float, float, float)} stands exactly where
 * GCC contracted a multiply and an add into one fused instruction in the torch 1.13 build. Moving or
 * dropping a single fma changes the last bit of some outputs (§4.4: 228 of 23,920 with none fused), so the
 * order below is part of the specification, not a style choice.
 *
 * <p>The constants are the float32 bit patterns from the spec, so no decimal-to-float rounding can creep in.
 */
final class AvxMath {
    private AvxMath() {
    }

    private static float f(int bits) {
        return Float.intBitsToFloat(bits);
    }

    // logA: log(x) = e·ln2 + log(m), with ln2 split into Q2 + Q1 (high and low parts) for accuracy.
    static final float SQRTHF = f(0x3f3504f3);
    private static final float[] P = {
        f(0x3d9021bb), f(0xbdebd1b8), f(0x3def251a), f(0xbdfe5d4f), f(0x3e11e9bf),
        f(0xbe2aae50), f(0x3e4cceac), f(0xbe7ffffc), f(0x3eaaaaaa),
    };
    private static final float Q1 = f(0xb95e8083);
    private static final float Q2 = f(0x3f318000);

    // sincosA: x is reduced by multiples of π/4, with π/4 split into DP1 + DP2 + DP3 (Cody–Waite).
    private static final float FOPI = f(0x3fa2f983);
    private static final float DP1 = f(0xbf490000);
    private static final float DP2 = f(0xb97da000);
    private static final float DP3 = f(0xb3222169);
    private static final float S0 = f(0xb94ca1f9);
    private static final float S1 = f(0x3c08839e);
    private static final float S2 = f(0xbe2aaaa3);
    private static final float C0 = f(0x37ccf5ce);
    private static final float C1 = f(0xbab6061a);
    private static final float C2 = f(0x3d2aaaa5);

    /** {@code (float) (2 * Math.PI)}, the factor that turns a uniform in [0, 1) into an angle. */
    static final float TWO_PI = f(0x40c90fdb);

    /** A sine and cosine computed together, as the AVX2 kernel does. */
    record SinCos(float sin, float cos) {
    }

    /**
     * Natural logarithm of {@code x} in (0, 1] (§4.4 {@code logA}). Writes {@code x = m·2^e} with
     * m in [√½, √2), so that log(m) is a small argument for the polynomial.
     */
    static float logA(float x) {
        // 1. Clamp to the smallest normal float: the bit split below assumes a normal number.
        x = Math.max(x, Float.MIN_NORMAL);
        int b = Float.floatToRawIntBits(x);
        float e = (float) ((b >>> 23) - 127);
        // 2. Keep the mantissa, force exponent −1: m in [0.5, 1), and count that −1 back into e.
        float m = Float.intBitsToFloat((b & 0x807fffff) | 0x3f000000);
        e = e + 1f;
        // 3. Shift m into [√½, √2) and subtract 1, so the polynomial sees x in [−0.29, 0.41).
        if (m < SQRTHF) {
            e = e - 1f;
            x = (m - 1f) + m;
        } else {
            x = m - 1f;
        }
        // 4. Horner: y = x·(P0·x^8 + P1·x^7 + ... + P8), every step one fused multiply-add.
        float z = x * x;
        float y = P[0];
        for (int k = 1; k <= 8; k++) {
            y = Math.fma(y, x, P[k]);
        }
        y = y * x;
        // 5. y·z + e·Q1: GCC rounded e·Q1 first and fused the y·z product into the add.
        y = Math.fma(y, z, e * Q1);
        // 6. log(1+x) ≈ x − x²/2 + y, then add the high part of e·ln2 last, where it loses nothing.
        y = y - (z * 0.5f);
        x = x + y;
        x = x + (e * Q2);
        return x;
    }

    /** Sine and cosine of {@code x ≥ 0} (§4.4 {@code sincosA}); the kernel only passes x in [0, 2π). */
    static SinCos sincosA(float x) {
        // 1. j = trunc(x·4/π) rounded up to even, so j·π/4 is the multiple of π/2 nearest x
        //    and the remainder x − j·π/4 lies in [−π/4, π/4], where the polynomials are accurate.
        float y = x * FOPI;
        int j = (int) y;
        j = (j + 1) & ~1;
        y = (float) j;
        // 2. x − j·π/4 with −π/4 split as DP1 + DP2 + DP3 (Cody–Waite): the remainder cancels most of
        //    x, and adding the parts one fused step at a time keeps the bits a single float π/4 would lose.
        x = Math.fma(y, DP1, x);
        x = Math.fma(y, DP2, x);
        x = Math.fma(y, DP3, x);
        // 3.
        float z = x * x;
        // 4. cos(x) ≈ 1 − z/2 + z²·(C0·z² + C1·z + C2).
        float c = Math.fma(C0, z, C1);
        c = Math.fma(c, z, C2);
        c = c * z;
        c = Math.fma(c, z, -(z * 0.5f));
        c = c + 1f;
        // 5. sin(x) ≈ x + x·z·(S0·z² + S1·z + S2).
        float s = Math.fma(S0, z, S1);
        s = Math.fma(s, z, S2);
        s = s * z;
        s = Math.fma(s, x, x);
        // 6. Around π/2 and 3π/2 (j = 2, 6) sine and cosine swap roles: sin(π/2 + r) = cos(r).
        boolean swap = (j & 2) != 0;
        float sinMag = swap ? c : s;
        float cosMag = swap ? s : c;
        // 7. Signs: sine is negative around π and 3π/2 (j = 4, 6), cosine around π/2 and π (j = 2, 4).
        float sin = (j & 4) != 0 ? -sinMag : sinMag;
        float cos = ((j - 2) & 4) == 0 ? -cosMag : cosMag;
        return new SinCos(sin, cos);
    }
}
