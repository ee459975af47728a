package dlblocks.random;

import dlblocks.spec.Spec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Properties of the generator over random seeds and sizes (QuickTheories prints the failing seed and
 * arguments). The draw-count properties compare against a twin generator advanced by plain
 * {@link Generator#random()} calls: equal {@code left}, {@code next} and next output mean equal state.
 */
class GeneratorPropertiesTest {

    /** Asserts that {@code g} is where {@code twin} is after {@code draws} more raw draws. */
    private static void assertAdvancedBy(Generator g, Generator twin, long draws, String what) {
        for (long i = 0; i < draws; i++) {
            twin.random();
        }
        assertEquals(twin.left(), g.left(), what + ": left");
        assertEquals(twin.next(), g.next(), what + ": next");
        assertEquals(twin.random(), g.random(), what + ": the following output");
    }

    @Spec("RANDOM-SAME-SEED-SAME-STREAM")
    @Test
    void sameSeedSameStream() {
        qt().forAll(longs().all(), integers().between(0, 100)).checkAssert((seed, n) -> {
            Generator a = new Generator(seed);
            Generator b = new Generator(seed);
            assertArrayEquals(a.randn(n), b.randn(n), "randn");
            assertArrayEquals(a.rand(n), b.rand(n), "rand");
            assertArrayEquals(a.randnDouble(n), b.randnDouble(n), "randnDouble");
            assertArrayEquals(a.randperm(n), b.randperm(n), "randperm");
        });
    }

    @Spec("RANDOM-SEEDING")
    @Test
    void seedsEqualModulo2To32GiveTheSameStream() {
        qt().forAll(longs().all(), integers().all()).checkAssert((seed, high) -> {
            long other = ((long) high << 32) | (seed & 0xffffffffL);
            assertArrayEquals(new Generator(seed).randn(20), new Generator(other).randn(20));
        });
    }

    @Test
    void randDrawsAreInTheHalfOpenUnitInterval() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            for (float x : new Generator(seed).rand(64)) {
                assertTrue(x >= 0f && x < 1f, "rand gave " + x);
            }
            for (double x : new Generator(seed).randDouble(64)) {
                assertTrue(x >= 0.0 && x < 1.0, "randDouble gave " + x);
            }
        });
    }

    /**
     * uniform(a, b) lies in [f32(a), f32(b)]. The upper end is closed on purpose: torch's one rounding of
     * {@code x·span + from} can land on {@code to} (see {@link #theUpperEndCanBeHit}); and f32(a) may lie
     * below a, so the bounds are those of the float32 ends, not of the doubles.
     */
    @Spec("RANDOM-UNIFORM-MATCHES-TORCH")
    @Test
    void uniformValuesLieBetweenTheFloatEnds() {
        qt().forAll(longs().all(), doubles().between(-1e6, 1e6), doubles().between(0, 1e6))
                .checkAssert((seed, a, width) -> {
                    float from = a.floatValue();
                    float to = (float) (a + width);
                    for (float x : new Generator(seed).uniform(32, a, a + width)) {
                        assertTrue(x >= from && x <= to, "uniform(" + a + ", " + (a + width) + ") gave " + x);
                    }
                });
    }

    /**
     * Why the upper end is closed: for a span that is small next to |to|, the largest x = 1 − 2^−24 gives
     * {@code to − span·2^−24}, less than half an ulp below {@code to}, and the single rounding lands on it.
     */
    @Test
    void theUpperEndCanBeHit() {
        float from = 0x1.388da2p-1f;
        float to = 0x1.38fd56p-1f;
        float xMax = 1f - 0x1.0p-24f;
        assertEquals(to, Math.fma(xMax, to - from, from));
    }

    @Test
    void uniformDoubleValuesLieInTheHalfOpenRange() {
        qt().forAll(longs().all(), doubles().between(-1e6, 1e6), doubles().between(1e-3, 1e6))
                .checkAssert((seed, a, width) -> {
                    for (double x : new Generator(seed).uniformDouble(32, a, a + width)) {
                        assertTrue(x >= a && x <= a + width, "uniformDouble gave " + x);
                    }
                });
    }

    @Spec("RANDOM-NORMAL-MATCHES-TORCH")
    @Test
    void largeRandnDrawsNPlus16UnlessNIsAMultipleOf16() {
        qt().forAll(longs().all(), integers().between(16, 700)).checkAssert((seed, n) -> {
            Generator g = new Generator(seed);
            g.randn(n);
            assertAdvancedBy(g, new Generator(seed), n + (n % 16 != 0 ? 16 : 0), "randn(" + n + ")");
        });
    }

    @Test
    void largeRandnDoubleDrawsTwiceAsMuch() {
        qt().forAll(longs().all(), integers().between(16, 300)).checkAssert((seed, n) -> {
            Generator g = new Generator(seed);
            g.randnDouble(n);
            assertAdvancedBy(g, new Generator(seed), 2L * (n + (n % 16 != 0 ? 16 : 0)), "randnDouble(" + n + ")");
        });
    }

    @Test
    void smallRandnDrawsFourPerPairAndCachesTheOddOneOut() {
        qt().forAll(longs().all(), integers().between(0, 15)).checkAssert((seed, n) -> {
            Generator g = new Generator(seed);
            g.randn(n);
            assertEquals(n % 2 == 1, g.normalCache().isPresent(), "cache after randn(" + n + ")");
            assertAdvancedBy(g, new Generator(seed), 4L * ((n + 1) / 2), "randn(" + n + ")");
        });
    }

    @Test
    void uniformDrawsOnePerElementAndUniformDoubleTwo() {
        qt().forAll(longs().all(), integers().between(0, 700)).checkAssert((seed, n) -> {
            Generator g = new Generator(seed);
            g.uniform(n, -2, 3);
            assertAdvancedBy(g, new Generator(seed), n, "uniform(" + n + ")");
            Generator h = new Generator(seed);
            h.uniformDouble(n, -2, 3);
            assertAdvancedBy(h, new Generator(seed), 2L * n, "uniformDouble(" + n + ")");
        });
    }

    /** The vector path's final fma applies mean and std to exactly the values randn gives (§4.4). */
    @Test
    void largeNormalIsRandnScaledWithOneRounding() {
        qt().forAll(longs().all(), integers().between(16, 100), doubles().between(-100, 100),
                doubles().between(0, 10)).checkAssert((seed, n, mean, std) -> {
                    float[] z = new Generator(seed).randn(n);
                    float[] v = new Generator(seed).normal(n, mean, std);
                    for (int i = 0; i < n; i++) {
                        assertEquals(Math.fma(z[i], std.floatValue(), mean.floatValue()), v[i], "element " + i);
                    }
                });
    }

    /** The scalar path rounds fma64(z, std, mean) to float once (§4.2). */
    @Test
    void smallNormalIsTheDoubleNormalRoundedOnce() {
        qt().forAll(longs().all(), integers().between(1, 15), doubles().between(-100, 100),
                doubles().between(0, 10)).checkAssert((seed, n, mean, std) -> {
                    double[] z = new Generator(seed).randnDouble(n);
                    float[] v = new Generator(seed).normal(n, mean, std);
                    for (int i = 0; i < n; i++) {
                        assertEquals((float) Math.fma(z[i], std, mean), v[i], "element " + i);
                    }
                });
    }

    /**
     * float64 normals are fma64(z, std, mean) of the standard normals on both paths (§4.2, §4.5); torch's
     * compiler contracted {@code z*std+mean}, and rounding twice would differ in about 1 value in 10.
     */
    @Test
    void normalDoubleIsRandnDoubleScaledWithOneRounding() {
        qt().forAll(longs().all(), integers().between(1, 100), doubles().between(-100, 100),
                doubles().between(0, 10)).checkAssert((seed, n, mean, std) -> {
                    double[] z = new Generator(seed).randnDouble(n);
                    double[] v = new Generator(seed).normalDouble(n, mean, std);
                    for (int i = 0; i < n; i++) {
                        assertEquals(Math.fma(z[i], std, mean), v[i], "element " + i);
                    }
                });
    }

    @Test
    void randintStaysInRangeAndDrawsOneOrTwoPerElement() {
        qt().forAll(longs().all(), longs().all(), longs().between(1, Long.MAX_VALUE)).checkAssert((seed, low, w) -> {
            long high = low + w;
            if (high <= low) {
                return; // overflowed past Long.MAX_VALUE: not a range torch could be asked for
            }
            Generator g = new Generator(seed);
            for (long v : g.randint(low, high, 20)) {
                assertTrue(v >= low && v < high, "randint(" + low + ", " + high + ") gave " + v);
            }
            long perElement = Long.compareUnsigned(w, 1L << 32) >= 0 ? 2 : 1;
            assertAdvancedBy(g, new Generator(seed), 20 * perElement, "randint range " + w);
        });
    }

    @Spec("RANDOM-INTEGERS-MATCH-TORCH")
    @Test
    void randpermIsAPermutationDrawingNMinusOne() {
        qt().forAll(longs().all(), integers().between(1, 300)).checkAssert((seed, n) -> {
            Generator g = new Generator(seed);
            long[] p = g.randperm(n);
            long[] sorted = p.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < n; i++) {
                assertEquals(i, sorted[i], "randperm(" + n + ") = " + Arrays.toString(p));
            }
            assertAdvancedBy(g, new Generator(seed), n - 1, "randperm(" + n + ")");
        });
    }

    @Test
    void randnValuesAreFiniteAndNotAbsurd() {
        qt().forAll(longs().all(), integers().between(0, 200)).checkAssert((seed, n) -> {
            for (float x : new Generator(seed).randn(n)) {
                // |z| ≤ sqrt(−2·ln 2^−53) ≈ 8.57 on the scalar path, ≤ sqrt(−2·ln 2^−24) ≈ 5.77 on the
                // vector one: the smallest argument log can get.
                assertTrue(Float.isFinite(x) && Math.abs(x) < 8.6f, "randn gave " + x);
            }
        });
    }
}
