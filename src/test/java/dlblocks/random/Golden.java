package dlblocks.random;

import dlblocks.io.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds and reads the golden files that real PyTorch 1.13 wrote (torch-compat.md §0). The tests read the
 * copies under {@code verification/golden/}, so a clean clone is self-contained; the originals under
 * {@code ../shared/reference/golden/} are used, where present, only to check that the copies are faithful.
 */
final class Golden {
    static final List<String> FILES =
            List.of("mt19937.json", "randn.json", "uniform.json", "ints.json", "linear_init.json");

    private Golden() {
    }

    /** The directory holding {@code pom.xml}, found by walking up from {@code user.dir}. */
    static Path projectRoot() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("verification/golden"))) {
                return p;
            }
        }
        throw new IllegalStateException("no project root (pom.xml with verification/golden/) above " + start);
    }

    /** The in-repository copies the tests read. */
    static Path dir() {
        return projectRoot().resolve("verification/golden");
    }

    /** {@code shared/reference/golden} in the project root or a directory above it, if there is one. */
    static Optional<Path> sharedDir() {
        for (Path p = projectRoot(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared/reference/golden");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static Map<String, Object> load(String name) {
        try {
            return Json.parseObject(Files.readString(dir().resolve(name), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> cases(Map<String, Object> file) {
        return (List<Map<String, Object>>) file.get("cases");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    /** A seed as torch reads it: any integer in [−2^63, 2^64−1] (the reader gives Long or BigInteger). */
    static BigInteger seed(Object o) {
        return o instanceof BigInteger b ? b : BigInteger.valueOf(((Number) o).longValue());
    }

    /** A JSON integer that may exceed 2^63−1 (u64 values), as its low 64 bits. */
    static long u64(Object o) {
        return o instanceof BigInteger b ? b.longValue() : ((Number) o).longValue();
    }

    static int[] ints(Object o) {
        return list(o).stream().mapToInt(x -> ((Number) x).intValue()).toArray();
    }

    static long[] longs(Object o) {
        return list(o).stream().mapToLong(Golden::u64).toArray();
    }

    /** float32 bit patterns written as 8 hex digits. */
    static int[] bits32(Object o) {
        return list(o).stream().mapToInt(x -> Integer.parseUnsignedInt((String) x, 16)).toArray();
    }

    /** float64 bit patterns written as 16 hex digits. */
    static long[] bits64(Object o) {
        return list(o).stream().mapToLong(x -> Long.parseUnsignedLong((String) x, 16)).toArray();
    }

    static double num(Object o) {
        return ((Number) o).doubleValue();
    }
}
