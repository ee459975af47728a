package dlblocks.random;

import dlblocks.spec.Spec;
import static dlblocks.random.Golden.bits32;
import static dlblocks.random.Golden.bits64;
import static dlblocks.random.Golden.ints;
import static dlblocks.random.Golden.list;
import static dlblocks.random.Golden.longs;
import static dlblocks.random.Golden.map;
import static dlblocks.random.Golden.num;
import static dlblocks.random.Golden.u64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every case of the golden files PyTorch 1.13 wrote (torch-compat.md §0) on a fresh generator and
 * compares every value: float32 and int64 bit for bit, the state after each case exactly. float64 normals
 * come from glibc in torch and from {@link StrictMath} here, so they may differ in the last bits (§4.5, see
 * {@link Float64Tally}); those are counted and reported by a final summary test per file, never hidden.
 */
class GoldenTest {

    /**
     * Counts float64 comparisons by their distance in ulps; a distance above the allowance fails on the spot.
     *
     * <p>The allowance for a normal is 2 ulp: torch computes {@code radius·cos θ} (or {@code r·sin θ}) with
     * glibc, this port with fdlibm, and each of log, sin, cos may be 1 ulp off glibc (§4.5). log enters
     * through a square root, which halves its relative error, and the trig error enters whole; after the
     * product's own rounding the result can sit 2 ulp away (observed once: randn_f64_seed0, element 7,
     * where {@code StrictMath.cos} is 1 ulp below glibc's). {@code rand_f64} uses no libm and must be exact.
     */
    static final class Float64Tally {
        static final int NORMAL_MAX_ULPS = 2;
        final int[] byUlps = new int[NORMAL_MAX_ULPS + 1];
        final List<String> where = new ArrayList<>();

        void check(String context, long expectedBits, double actual, int maxUlps) {
            long actualBits = Double.doubleToRawLongBits(actual);
            double expected = Double.longBitsToDouble(expectedBits);
            // Same sign: the distance between the bit patterns counts the doubles in between.
            long ulps = (expectedBits ^ actualBits) < 0 ? Long.MAX_VALUE : Math.abs(expectedBits - actualBits);
            if (ulps > maxUlps) {
                fail(context + ": float64 expected " + hex64(expectedBits) + " (" + expected + "), got "
                        + hex64(actualBits) + " (" + actual + "), " + ulps + " ulp apart; allowed " + maxUlps);
            }
            byUlps[(int) ulps]++;
            if (ulps > 0) {
                where.add(context + " (" + ulps + " ulp)");
            }
        }

        int total() {
            return Arrays.stream(byUlps).sum();
        }

        int inexact() {
            return total() - byUlps[0];
        }

        String summary(String file) {
            return file + ": float64 values " + total() + ", bit-identical " + byUlps[0] + ", 1 ulp apart "
                    + byUlps[1] + ", 2 ulp apart " + byUlps[2] + (where.isEmpty() ? "" : " at " + where);
        }
    }

    // -------------------------------------------------------------------------------------- mt19937.json

    @Spec("RANDOM-MT19937-MATCHES-TORCH")
    @TestFactory
    Stream<DynamicTest> mt19937Json() {
        return Golden.cases(Golden.load("mt19937.json")).stream().map(c -> DynamicTest.dynamicTest(
                "mt19937 seed " + c.get("seed"), () -> checkMt19937Case(c)));
    }

    private static void checkMt19937Case(Map<String, Object> c) {
        String ctx = "mt19937.json seed " + c.get("seed");
        Generator g = new Generator();
        g.manualSeed(Golden.seed(c.get("seed")));
        long[] first8 = longs(c.get("state_words_after_seed_first8"));
        for (int i = 0; i < 8; i++) {
            assertEquals(first8[i], g.stateWord(i), ctx + ": state word " + i);
        }
        assertEquals(u64(c.get("state_word_623_after_seed")), g.stateWord(623), ctx + ": state word 623");

        long[] u32 = longs(c.get("u32_first16_via_randint_0_2p32m1"));
        for (int i = 0; i < u32.length; i++) {
            assertEquals(u32[i], g.random(), ctx + ": raw output " + i);
        }
        // The file took them through randint(0, 2^32−1); take that road too.
        g.manualSeed(Golden.seed(c.get("seed")));
        assertArrayEquals(u32, g.randint(0, 0xffffffffL, 16), ctx + ": randint(0, 2^32-1)");

        g.manualSeed(Golden.seed(c.get("seed")));
        assertArrayEquals(longs(c.get("randint_0_2p62_first4")), g.randint(0, 1L << 62, 4),
                ctx + ": randint(0, 2^62) via random64");
    }

    // ------------------------------------------------------------------------- the files with call lists

    @Spec("RANDOM-NORMAL-MATCHES-TORCH")
    @TestFactory
    Stream<DynamicTest> randnJson() {
        return callFile("randn.json");
    }

    @Spec("RANDOM-UNIFORM-MATCHES-TORCH")
    @TestFactory
    Stream<DynamicTest> uniformJson() {
        return callFile("uniform.json");
    }

    @Spec("RANDOM-INTEGERS-MATCH-TORCH")
    @TestFactory
    Stream<DynamicTest> intsJson() {
        return callFile("ints.json");
    }

    @Spec("RANDOM-INIT-MATCHES-TORCH")
    @TestFactory
    Stream<DynamicTest> linearInitJson() {
        return callFile("linear_init.json");
    }

    /** One test per case, named by its id, then a summary of the float64 comparisons of the file. */
    private static Stream<DynamicTest> callFile(String file) {
        Float64Tally tally = new Float64Tally();
        List<Map<String, Object>> cases = Golden.cases(Golden.load(file));
        assertTrue(cases.size() > 0, file + " has no cases");
        Stream<DynamicTest> perCase = cases.stream().map(c -> DynamicTest.dynamicTest(
                (String) c.get("id"), () -> replay(file, c, tally)));
        DynamicTest summary = DynamicTest.dynamicTest(file + " float64 summary", () -> {
            System.out.println(tally.summary(file));
            // §4.5 measured 62 of 900 float64 values one ulp off under StrictMath; far more would mean a
            // real difference in the algorithm hiding inside the ulp allowance.
            assertTrue(tally.inexact() <= Math.max(2, tally.total() / 5), tally.summary(file));
        });
        return Stream.concat(perCase, Stream.of(summary));
    }

    private static void replay(String file, Map<String, Object> c, Float64Tally tally) {
        String id = (String) c.get("id");
        Generator g = new Generator();
        g.manualSeed(Golden.seed(c.get("seed")));
        List<Object> calls = list(c.get("calls"));
        for (int k = 0; k < calls.size(); k++) {
            Map<String, Object> call = map(calls.get(k));
            String ctx = file + " " + id + " (seed " + c.get("seed") + ") call " + k + " " + call.get("op");
            runCall(g, call, ctx, tally);
        }
        Map<String, Object> state = map(c.get("state_after"));
        String ctx = file + " " + id + " state_after";
        assertEquals(((Number) state.get("left")).intValue(), g.left(), ctx + ": left");
        assertEquals(((Number) state.get("next")).intValue(), g.next(), ctx + ": next");
        Object cacheBits = state.get("normal_cache_f64_bits");
        OptionalDouble cache = g.normalCache();
        if (cacheBits == null) {
            assertTrue(cache.isEmpty(), ctx + ": expected no cached normal, found " + cache);
        } else {
            assertTrue(cache.isPresent(), ctx + ": expected a cached normal, found none");
            tally.check(ctx + " cache", Long.parseUnsignedLong((String) cacheBits, 16), cache.getAsDouble(),
                    Float64Tally.NORMAL_MAX_ULPS);
        }
    }

    private static void runCall(Generator g, Map<String, Object> call, String ctx, Float64Tally tally) {
        Map<String, Object> result = call.get("result") == null ? null : map(call.get("result"));
        switch ((String) call.get("op")) {
            case "randn" -> check32(ctx, result, g.randn(numel(call)));
            case "rand" -> check32(ctx, result, g.rand(numel(call)));
            case "normal_" -> check32(ctx, result,
                    g.normal(numel(call), num(call.get("mean")), num(call.get("std"))));
            case "uniform_" -> check32(ctx, result,
                    g.uniform(numel(call), num(call.get("a")), num(call.get("b"))));
            case "randn_f64" -> check64(ctx, result, g.randnDouble(numel(call)), tally,
                    Float64Tally.NORMAL_MAX_ULPS);
            case "rand_f64" -> check64(ctx, result, g.randDouble(numel(call)), tally, 0);
            case "randint" -> checkInt(ctx, result,
                    g.randint(u64(call.get("low")), u64(call.get("high")), numel(call)));
            case "randperm" -> checkInt(ctx, result, g.randperm(((Number) call.get("n")).intValue()));
            case "linear" -> {
                Init.LinearInit p = Init.linear(g, intArg(call, "in"), intArg(call, "out"),
                        (Boolean) call.get("bias"));
                check32(ctx + " weight", map(result.get("weight")), p.weight());
                if (result.get("bias") == null) {
                    assertNull(p.bias(), ctx + ": bias should be absent");
                } else {
                    check32(ctx + " bias", map(result.get("bias")), p.bias());
                }
            }
            case "conv2d" -> {
                Init.Conv2dInit p = Init.conv2d(g, intArg(call, "in"), intArg(call, "out"), intArg(call, "k"));
                check32(ctx + " weight", map(result.get("weight")), p.weight());
                check32(ctx + " bias", map(result.get("bias")), p.bias());
            }
            case "xavier_uniform_" -> check32(ctx, result,
                    Init.xavierUniform(g, ints(call.get("shape")), num(call.get("gain"))));
            case "kaiming_uniform_" -> check32(ctx, result,
                    Init.kaimingUniform(g, ints(call.get("shape")), num(call.get("a"))));
            case "init_normal_" -> check32(ctx, result,
                    Init.normal(g, ints(call.get("shape")), num(call.get("mean")), num(call.get("std"))));
            default -> fail(ctx + ": unknown op " + call.get("op"));
        }
    }

    private static int intArg(Map<String, Object> call, String key) {
        return ((Number) call.get(key)).intValue();
    }

    private static int numel(Map<String, Object> call) {
        return Init.numel(ints(call.get("shape")));
    }

    private static void check32(String ctx, Map<String, Object> result, float[] actual) {
        assertEquals("float32", result.get("dtype"), ctx);
        int[] expected = bits32(result.get("bits"));
        assertEquals(Init.numel(ints(result.get("shape"))), expected.length, ctx + ": golden shape vs bits");
        assertEquals(expected.length, actual.length, ctx + ": element count");
        for (int i = 0; i < expected.length; i++) {
            int got = Float.floatToRawIntBits(actual[i]);
            if (got != expected[i]) {
                fail(ctx + ": element " + i + " expected " + hex32(expected[i]) + " ("
                        + Float.intBitsToFloat(expected[i]) + "), got " + hex32(got) + " (" + actual[i] + ")");
            }
        }
    }

    private static void check64(String ctx, Map<String, Object> result, double[] actual, Float64Tally tally,
            int maxUlps) {
        assertEquals("float64", result.get("dtype"), ctx);
        long[] expected = bits64(result.get("bits"));
        assertEquals(expected.length, actual.length, ctx + ": element count");
        for (int i = 0; i < expected.length; i++) {
            tally.check(ctx + " element " + i, expected[i], actual[i], maxUlps);
        }
    }

    private static void checkInt(String ctx, Map<String, Object> result, long[] actual) {
        assertEquals("int64", result.get("dtype"), ctx);
        assertArrayEquals(longs(result.get("values")), actual, ctx);
    }

    private static String hex32(int bits) {
        return String.format("%08x", bits);
    }

    private static String hex64(long bits) {
        return String.format("%016x", bits);
    }

    // -------------------------------------------------------------------------------------- the copies

    /** The in-repository copies must be byte-identical to the shared originals, where those exist. */
    @Spec("RANDOM-GOLDEN-PROVENANCE")
    @Test
    void copiesMatchTheSharedOriginals() throws IOException {
        Optional<Path> shared = Golden.sharedDir();
        assumeTrue(shared.isPresent(), "no shared/reference/golden above the project root (clean clone)");
        for (String name : Golden.FILES) {
            assertArrayEquals(Files.readAllBytes(shared.get().resolve(name)),
                    Files.readAllBytes(Golden.dir().resolve(name)), name + " differs from " + shared.get());
        }
    }

    @Spec("RANDOM-GOLDEN-PROVENANCE")
    @Test
    void everyCopyRecordsThatRealTorchWroteIt() {
        for (String name : Golden.FILES) {
            Map<String, Object> file = Golden.load(name);
            assertTrue(((String) file.get("generated_by")).startsWith("real PyTorch"), name);
            assertEquals("1.13.0a0", file.get("torch_version"), name);
            assertEquals("AVX2", file.get("cpu_capability"), name);
        }
    }
}
