package dlblocks.random;

/**
 * The 32-bit Mersenne Twister exactly as {@code at::mt19937} runs it (torch-compat.md §2): the reference
 * MT19937 of Matsumoto and Nishimura, seeded with {@code init_genrand}. Seed 5489 gives the well-known
 * first output 3499211612.
 *
 * <p>Words are unsigned 32-bit values kept in Java {@code int}s, so every shift that must bring in zeros
 * is {@code >>>}. Not thread-safe: {@link Generator} guards it.
 */
final class Mt19937 {
    static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;

    private final int[] mt = new int[N];
    /** Outputs left before the next twist; 1 right after seeding, so the first draw twists. */
    private int left;
    /** Index of the next state word to temper. */
    private int next;

    Mt19937(int seed) {
        seed(seed);
    }

    /**
     * {@code init_genrand}: {@code mt[0] = s}, {@code mt[i] = 1812433253·(mt[i−1] ^ (mt[i−1] >>> 30)) + i
     * (mod 2^32)}. Java's {@code int} multiplication already wraps modulo 2^32.
     */
    void seed(int s) {
        mt[0] = s;
        for (int i = 1; i < N; i++) {
            mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }
        left = 1;
        next = 0;
    }

    /** One tempered 32-bit output, returned as the bits of an {@code int} (read it unsigned). */
    int nextInt() {
        if (--left == 0) {
            twist();
        }
        int y = mt[next++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** Regenerates all 624 words in place; the update of word i reads words i+1 and i+397 (mod 624). */
    private void twist() {
        for (int i = 0; i < N; i++) {
            int y = (mt[i] & UPPER_MASK) | (mt[(i + 1) % N] & LOWER_MASK);
            mt[i] = mt[(i + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
        }
        left = N;
        next = 0;
    }

    int left() {
        return left;
    }

    int next() {
        return next;
    }

    /** State word {@code i} as an unsigned value (for tests against the golden state words). */
    long word(int i) {
        return mt[i] & 0xffffffffL;
    }
}
