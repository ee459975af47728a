package dlblocks.random;

import java.math.BigInteger;
import java.util.OptionalDouble;

/**
 * PyTorch's CPU random generator ({@code at::CPUGeneratorImpl}), bit-compatible with
 * {@code torch.manual_seed}: after the same seed, every draw method returns the values torch 1.13 returns
 * on Linux x86-64 with AVX2, down to the bit for float32 and int64 (torch-compat.md §2–§5).
 *
 * <p>State: the {@link Mt19937} twister, the seed, and one cached double, the second value of the last
 * scalar Box–Muller pair (§4.2). The 16-element transform of the vector path is {@link BoxMuller}. All methods are {@code synchronized}, because {@link #DEFAULT} is shared
 * the way {@code torch.default_generator} is.
 *
 * <p>Each method notes how many 32-bit draws it consumes, because the tutorial's output depends on the
 * order and count of draws, not only on the seed.
 */
public final class Generator {
    /** The seed of a generator that is never seeded explicitly: {@code torch.Generator().initial_seed()}. */
    public static final long DEFAULT_SEED = 67280421310721L;

    /**
     * The twin of {@code torch.default_generator}. PyTorch seeds its default generator from
     * {@code /dev/urandom}; this one starts from {@link #DEFAULT_SEED} so that a program that forgets
     * {@code manualSeed} still prints the same numbers on every run.
     */
    public static final Generator DEFAULT = new Generator();

    /** Below this many elements (or for non-contiguous targets) torch takes the scalar normal path. */
    static final int VECTOR_MIN = 16;

    private static final BigInteger MIN_SEED = BigInteger.ONE.shiftLeft(63).negate();
    private static final BigInteger MAX_SEED = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final long MASK53 = (1L << 53) - 1;

    private final Mt19937 mt;
    private long seed;
    private boolean hasCache;
    private double cache;

    /** A generator seeded with {@link #DEFAULT_SEED}, like {@code torch.Generator()}. */
    public Generator() {
        this(DEFAULT_SEED);
    }

    /** A generator seeded with {@code seed}, read as a 64-bit two's-complement pattern. */
    public Generator(long seed) {
        this.mt = new Mt19937((int) seed);
        this.seed = seed;
    }

    // ---------------------------------------------------------------------------------- seeding

    /**
     * {@code torch.manual_seed(seed)} for a seed in [−2^63, 2^63): a negative seed is its two's-complement
     * u64. Only the low 32 bits reach the twister (§2), so 2^32+5 gives the same stream as 5. Clears the
     * Box–Muller cache.
     */
    public synchronized void manualSeed(long seed) {
        this.seed = seed;
        mt.seed((int) seed);
        hasCache = false;
        cache = 0.0;
    }

    /**
     * {@code torch.manual_seed(seed)} for the whole range torch accepts, [−2^63, 2^64−1]; seeds above
     * 2^63−1 only fit a u64, hence the {@code BigInteger}.
     *
     * @throws IllegalArgumentException outside that range, as torch raises
     *     {@code RuntimeError: Overflow when unpacking long}
     */
    public void manualSeed(BigInteger seed) {
        if (seed.compareTo(MIN_SEED) < 0 || seed.compareTo(MAX_SEED) > 0) {
            throw new IllegalArgumentException("Overflow when unpacking long: seed " + seed
                    + " is outside [-2^63, 2^64-1]");
        }
        manualSeed(seed.longValue());
    }

    /** {@code initial_seed()}: the last seed as an unsigned 64-bit value (so seed −1 reads 2^64−1). */
    public synchronized BigInteger initialSeed() {
        BigInteger s = BigInteger.valueOf(seed);
        return seed >= 0 ? s : s.add(BigInteger.ONE.shiftLeft(64));
    }

    // ---------------------------------------------------------------------------------- raw draws

    /** One raw 32-bit output of the twister, as a value in [0, 2^32) ({@code at::mt19937::operator()}). */
    public synchronized long random() {
        return mt.nextInt() & 0xffffffffL;
    }

    /**
     * Two raw outputs joined as {@code (first << 32) | second}. The first draw is the high word because
     * torch's {@code random64()} writes it that way; swapping them changes every double and every normal.
     */
    public synchronized long random64() {
        long hi = mt.nextInt() & 0xffffffffL;
        long lo = mt.nextInt() & 0xffffffffL;
        return (hi << 32) | lo;
    }

    /** Outputs left before the next twist (mt19937 {@code left_}): 1 right after seeding, then 624 ... 1. */
    public synchronized int left() {
        return mt.left();
    }

    /** Index of the next state word to be tempered (mt19937 {@code next_}). */
    public synchronized int next() {
        return mt.next();
    }

    /** The cached second Box–Muller value, if the last scalar normal draw left one (§4.2). */
    public synchronized OptionalDouble normalCache() {
        return hasCache ? OptionalDouble.of(cache) : OptionalDouble.empty();
    }

    /** State word {@code i} of the twister, unsigned; package-private for the golden state tests. */
    synchronized long stateWord(int i) {
        return mt.word(i);
    }

    // ---------------------------------------------------------------------------------- uniform

    /** {@code torch.rand(n)}: {@link #uniform(int, double, double) uniform(n, 0, 1)}, n draws, in [0, 1). */
    public float[] rand(int n) {
        return uniform(n, 0.0, 1.0);
    }

    /**
     * {@code torch.empty(n).uniform_(a, b)} in float32 (§3): with {@code from = f32(a)},
     * {@code span = f32(b) ⊖ from}, each element is {@code fma32(x, span, from)} where
     * {@code x = (random() & 0xffffff)·2^−24} is exact in [0, 1). One draw per element.
     *
     * <p>The fused multiply-add is what torch's AVX2 build computes (the compiler contracted
     * {@code x*(to-from)+from}); rounding twice changes the last bit of about half the values when
     * {@code from ≠ 0}. Rounding can land a value on {@code f32(b)} itself, exactly as in torch.
     *
     * @throws IllegalArgumentException if n &lt; 0, a or b lies outside the float range, or a &gt; b
     */
    public synchronized float[] uniform(int n, double a, double b) {
        checkSize(n);
        checkUniformRange(a, b, Float.MAX_VALUE, "float");
        float from = (float) a;
        float span = (float) b - from;
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = Math.fma(uniform24(), span, from);
        }
        return out;
    }

    /** {@code torch.rand(n, dtype=torch.float64)}: two draws per element, in [0, 1). */
    public double[] randDouble(int n) {
        return uniformDouble(n, 0.0, 1.0);
    }

    /**
     * {@code uniform_(a, b)} in float64 (§3): {@code fma64(x, b − a, a)} with
     * {@code x = (random64() & (2^53−1))·2^−53}. Two draws per element.
     *
     * @throws IllegalArgumentException if n &lt; 0, a &gt; b or b − a overflows
     */
    public synchronized double[] uniformDouble(int n, double a, double b) {
        checkSize(n);
        checkUniformRange(a, b, Double.MAX_VALUE, "double");
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = Math.fma(uniform53(), b - a, a);
        }
        return out;
    }

    // ---------------------------------------------------------------------------------- normal

    /** {@code torch.randn(n)} in float32: {@link #normal(int, double, double) normal(n, 0, 1)}. */
    public float[] randn(int n) {
        return normal(n, 0.0, 1.0);
    }

    /**
     * {@code torch.empty(n).normal_(mean, std)} in float32 (§4). For {@code n < 16} the scalar path (§4.2):
     * double Box–Muller with the generator's cache, each element {@code f32(fma64(z, std, mean))},
     * 4 draws per new pair. For {@code n ≥ 16} the vector path (§4.3, §4.4): float32 uniforms and the AVX2
     * polynomial transform in blocks of 16, with {@code n} draws plus 16 if {@code n % 16 ≠ 0}; it neither
     * reads nor clears the cache.
     *
     * @throws IllegalArgumentException if n &lt; 0 or std is negative or NaN
     */
    public synchronized float[] normal(int n, double mean, double std) {
        checkSize(n);
        checkStd(std);
        float[] out = new float[n];
        if (n >= VECTOR_MIN) {
            normalVector(out, (float) mean, (float) std);
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = (float) Math.fma(nextScalarNormal(), std, mean);
            }
        }
        return out;
    }

    /** {@code torch.randn(n, dtype=torch.float64)}: {@link #normalDouble(int, double, double)} with 0, 1. */
    public double[] randnDouble(int n) {
        return normalDouble(n, 0.0, 1.0);
    }

    /**
     * {@code normal_(mean, std)} in float64 (§4.5): the scalar path for {@code n < 16}; otherwise the block
     * scheme of §4.3 with 53-bit uniforms (two draws each) and a double transform,
     * {@code fma64(sqrt(−2·log(1−u))·cos(2π·v), std, mean)} and the same with sin.
     *
     * <p>{@code log}, {@code sin} and {@code cos} are {@link StrictMath}'s (fdlibm), identical on every JVM.
     * torch calls glibc, which differs from fdlibm by one ulp now and then (§4.5: 62 of 900 values; after
     * the product r·cos θ, 2 ulp once in randn.json), so float64 normals are reproducible here but not
     * always bit-identical to torch. float32 normals are unaffected: they use {@link AvxMath} or round the
     * double to float.
     *
     * @throws IllegalArgumentException if n &lt; 0 or std is negative or NaN
     */
    public synchronized double[] normalDouble(int n, double mean, double std) {
        checkSize(n);
        checkStd(std);
        double[] out = new double[n];
        if (n >= VECTOR_MIN) {
            normalVectorDouble(out, mean, std);
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = Math.fma(nextScalarNormal(), std, mean);
            }
        }
        return out;
    }

    /**
     * One standard normal from the scalar path (§4.2). A fresh pair takes {@code u1} (the angle) then
     * {@code u2} (the radius), each from one {@code random64}; the sine half waits in the cache for the
     * next scalar element, whichever call that is.
     */
    private double nextScalarNormal() {
        if (hasCache) {
            hasCache = false;
            return cache;
        }
        double u1 = uniform53();
        double u2 = uniform53();
        // torch 1.13 writes log(1 − u2); 1 − u2 is exact, and never 0 because u2 < 1.
        double r = Math.sqrt(-2.0 * StrictMath.log(1.0 - u2));
        double theta = 2.0 * Math.PI * u1;
        cache = r * StrictMath.sin(theta);
        hasCache = true;
        return r * StrictMath.cos(theta);
    }

    /** §4.3: fill with uniforms, transform each full block, then redraw and transform the last 16. */
    private void normalVector(float[] d, float mean, float std) {
        int n = d.length;
        for (int i = 0; i < n; i++) {
            d[i] = uniform24();
        }
        for (int b = 0; b + VECTOR_MIN <= n; b += VECTOR_MIN) {
            BoxMuller.block(d, b, mean, std);
        }
        if (n % VECTOR_MIN != 0) {
            // torch redraws a whole block over the tail instead of transforming a partial one;
            // the uniforms first drawn for the tail are simply lost.
            for (int i = n - VECTOR_MIN; i < n; i++) {
                d[i] = uniform24();
            }
            BoxMuller.block(d, n - VECTOR_MIN, mean, std);
        }
    }

    /** §4.5: {@link #normalVector} with double uniforms and the double transform. */
    private void normalVectorDouble(double[] d, double mean, double std) {
        int n = d.length;
        for (int i = 0; i < n; i++) {
            d[i] = uniform53();
        }
        for (int b = 0; b + VECTOR_MIN <= n; b += VECTOR_MIN) {
            BoxMuller.block(d, b, mean, std);
        }
        if (n % VECTOR_MIN != 0) {
            for (int i = n - VECTOR_MIN; i < n; i++) {
                d[i] = uniform53();
            }
            BoxMuller.block(d, n - VECTOR_MIN, mean, std);
        }
    }

    // ---------------------------------------------------------------------------------- integers

    /**
     * {@code torch.randint(low, high, (n,))} in int64 (§5): {@code (v mod (high − low)) + low}, where v is
     * one {@code random()} while the range is below 2^32, else one {@code random64()}. The range is read
     * as a u64, so {@code randint(Long.MIN_VALUE, Long.MAX_VALUE, n)} works.
     *
     * @throws IllegalArgumentException if n &lt; 0 or high ≤ low
     */
    public synchronized long[] randint(long low, long high, int n) {
        checkSize(n);
        if (high <= low) {
            throw new IllegalArgumentException("random_ expects 'from' to be less than 'to', but got from="
                    + low + " >= to=" + high);
        }
        long range = high - low;
        boolean wide = Long.compareUnsigned(range, 1L << 32) >= 0;
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long v = wide ? random64() : random();
            out[i] = Long.remainderUnsigned(v, range) + low;
        }
        return out;
    }

    /**
     * {@code torch.randperm(n)} (§5, checked against torch for n ≤ 1000): starting from 0..n−1, for
     * i = 0..n−2 swap element i with element {@code i + random() mod (n − i)}. n−1 draws (none for n ≤ 1).
     *
     * @throws IllegalArgumentException if n &lt; 0
     */
    public synchronized long[] randperm(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be non-negative, got " + n);
        }
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = 0; i < n - 1; i++) {
            int z = (int) (random() % (n - i));
            long t = a[i];
            a[i] = a[i + z];
            a[i + z] = t;
        }
        return a;
    }

    // ---------------------------------------------------------------------------------- helpers

    /** The low 24 bits of one draw as a float in [0, 1): exact, since a float has a 24-bit significand. */
    private float uniform24() {
        return (mt.nextInt() & 0xffffff) * 0x1.0p-24f;
    }

    /** The low 53 bits of one {@code random64} as a double in [0, 1); exact for the same reason. */
    private double uniform53() {
        return (random64() & MASK53) * 0x1.0p-53;
    }

    private static void checkSize(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("Trying to create tensor with negative dimension " + n
                    + ": [" + n + "]");
        }
    }

    private static void checkStd(double std) {
        if (!(std >= 0.0)) {
            throw new IllegalArgumentException("normal expects std >= 0.0, but found std " + std);
        }
    }

    /** torch's {@code uniform_} checks: both ends within the type's range, from ≤ to, to − from finite. */
    private static void checkUniformRange(double from, double to, double max, String type) {
        if (from < -max || from > max) {
            throw new IllegalArgumentException("from is out of bounds for " + type + ": " + from);
        }
        if (to < -max || to > max) {
            throw new IllegalArgumentException("to is out of bounds for " + type + ": " + to);
        }
        if (!(from <= to)) {
            throw new IllegalArgumentException("uniform_ expects to return a [from, to) range, but found from="
                    + from + " > to=" + to);
        }
        if (to - from > max) {
            throw new IllegalArgumentException("uniform_ expects to-from <= std::numeric_limits<" + type
                    + ">::max(), but found to=" + to + " and from=" + from
                    + " which result in to-from to exceed the limit");
        }
    }
}
