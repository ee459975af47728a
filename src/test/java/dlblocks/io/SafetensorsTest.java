package dlblocks.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dlblocks.spec.Spec;
import dlblocks.tensor.DType;
import dlblocks.tensor.Tensor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Safetensors}: what it writes it reads back exactly, and a truncated or hostile file is a
 * {@link SafetensorsException} naming the problem, reached without any allocation larger than the file.
 */
class SafetensorsTest {
    @TempDir
    Path tmp;

    // ------------------------------------------------------------------------------------------ round trip

    /** A tensor of {@code dtype} and a random shape (rank 0–3, sizes 0–5) whose values use every bit pattern. */
    static Tensor randomTensor(DType dtype, Random r) {
        int[] shape = new int[r.nextInt(4)];
        for (int i = 0; i < shape.length; i++) shape[i] = r.nextInt(6);
        int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        switch (dtype) {
            case FLOAT32: {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) v[i] = Float.intBitsToFloat(r.nextInt()); // NaNs, ±0, subnormals too
                return Tensor.fromFloats(v, shape);
            }
            case FLOAT64: {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) v[i] = Double.longBitsToDouble(r.nextLong());
                return Tensor.fromDoubles(DType.FLOAT64, v, shape);
            }
            default: {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = dtype == DType.INT64 ? r.nextLong() : dtype == DType.INT32 ? r.nextInt() : r.nextInt(2);
                }
                return Tensor.fromLongs(dtype, v, shape);
            }
        }
    }

    /** A string of random code points (no surrogates): quotes, backslashes, controls and astral ones included. */
    static String randomString(Random r) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(12);
        String awkward = "\"\\\n\t\u0000\u001f\u007f/é€😀";
        for (int i = 0; i < n; i++) {
            int cp;
            switch (r.nextInt(3)) {
                case 0: cp = awkward.codePointAt(awkward.offsetByCodePoints(0, r.nextInt(awkward.codePointCount(0, awkward.length())))); break;
                case 1: cp = r.nextInt(0x80); break;
                default: do { cp = r.nextInt(0x110000); } while (cp >= 0xD800 && cp <= 0xDFFF);
            }
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    private static void assertSameTensor(String name, Tensor expected, Tensor actual) {
        assertEquals(expected.dtype(), actual.dtype(), name + ": dtype");
        assertArrayEquals(expected.shape(), actual.shape(), name + ": shape");
        switch (expected.dtype()) {
            case FLOAT32: {
                float[] e = expected.toFloatArray();
                float[] a = actual.toFloatArray();
                for (int i = 0; i < e.length; i++) {
                    assertEquals(Float.floatToRawIntBits(e[i]), Float.floatToRawIntBits(a[i]), name + "[" + i + "] bits");
                }
                break;
            }
            case FLOAT64: {
                double[] e = expected.toDoubleArray();
                double[] a = actual.toDoubleArray();
                for (int i = 0; i < e.length; i++) {
                    assertEquals(Double.doubleToRawLongBits(e[i]), Double.doubleToRawLongBits(a[i]), name + "[" + i + "] bits");
                }
                break;
            }
            default:
                assertArrayEquals(expected.toLongArray(), actual.toLongArray(), name + ": values");
        }
    }

    @Test
    @Spec("SAFETENSORS-ROUND-TRIP")
    void everyDtypeAndTheMetadataReadBackExactlyAsWritten() {
        DType[] dtypes = {DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.INT32, DType.BOOL};
        qt().withExamples(300).forAll(longs().all(), integers().between(0, 6)).checkAssert((seed, count) -> {
            Random r = new Random(seed);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) tensors.put(i + ":" + randomString(r), randomTensor(dtypes[r.nextInt(5)], r));
            Map<String, String> metadata = new LinkedHashMap<>();
            for (int i = r.nextInt(4); i > 0; i--) metadata.put(randomString(r), randomString(r));
            byte[] bytes = Safetensors.encode(tensors, metadata);
            Safetensors.Contents back = Safetensors.read("round trip", bytes);
            assertEquals(List.copyOf(tensors.keySet()), List.copyOf(back.tensors().keySet()), "names in file order");
            for (String name : tensors.keySet()) assertSameTensor(name, tensors.get(name), back.tensors().get(name));
            assertEquals(metadata, back.metadata());
            long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            assertEquals(0, headerLength % 8, "data starts 8-byte aligned");
        });
    }

    @Test
    @Spec("SAFETENSORS-ROUND-TRIP")
    void writeThenReadAFileGivesTheSameTensorsAndMetadata() throws IOException {
        Random r = new Random(7);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (DType d : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.INT32, DType.BOOL}) {
            tensors.put(d.torchName(), randomTensor(d, r));
        }
        Map<String, String> metadata = Map.of("format", "pt", "note", "ünïcødé \"quoted\"\n😀");
        Path file = tmp.resolve("t.safetensors");
        Safetensors.write(file, tensors, metadata, false);
        Safetensors.Contents back = Safetensors.read(file);
        for (String name : tensors.keySet()) assertSameTensor(name, tensors.get(name), back.tensors().get(name));
        assertEquals(metadata, back.metadata());
        assertArrayEquals(Files.readAllBytes(file), Safetensors.encode(back.tensors(), back.metadata()));
    }

    @Test
    @Spec("SAFETENSORS-ROUND-TRIP")
    void aFileWithoutTensorsOrMetadataIsValid() {
        byte[] bytes = Safetensors.encode(Map.of(), Map.of());
        Safetensors.Contents back = Safetensors.read("empty", bytes);
        assertEquals(Map.of(), back.tensors());
        assertEquals(Map.of(), back.metadata());
    }

    // ------------------------------------------------------------------------------------ hostile files

    /** An 8-byte little-endian header length, then {@code rest}. */
    static byte[] withLength(long headerLength, byte[] rest) {
        return ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength).put(rest).array();
    }

    /** A file with this JSON header (its true length) and {@code dataBytes} zero bytes of data. */
    static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        byte[] rest = Arrays.copyOf(h, h.length + dataBytes);
        return withLength(h.length, rest);
    }

    /** A one-tensor header. */
    static String tensor(String dtype, String shape, String offsets) {
        return "{\"t\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}}";
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /**
     * Both readers (bytes in memory and a file on disk) reject {@code bytes} with a SafetensorsException whose
     * message contains every fragment, and allocate at most 1 MiB + 32 bytes per byte of the file while doing
     * so (measured by the JVM's per-thread allocation counter on a second, warmed-up call, so class loading
     * is not counted): a reader that believed a hostile length and allocated for it would exceed that by far.
     */
    private void assertRejected(byte[] bytes, String... fragments) throws IOException {
        Path file = Files.write(tmp.resolve("hostile.safetensors"), bytes);
        long limit = (1 << 20) + 32L * bytes.length;
        for (int attempt = 0; attempt < 2; attempt++) {
            long before = allocatedBytes();
            SafetensorsException inMemory = assertThrows(SafetensorsException.class, () -> Safetensors.read("hostile", bytes));
            long afterMemory = allocatedBytes();
            SafetensorsException onDisk = assertThrows(SafetensorsException.class, () -> Safetensors.read(file));
            long afterDisk = allocatedBytes();
            for (String fragment : fragments) {
                assertTrue(inMemory.getMessage().contains(fragment), "message '" + inMemory.getMessage() + "' should name: " + fragment);
                assertTrue(onDisk.getMessage().contains(fragment), "message '" + onDisk.getMessage() + "' should name: " + fragment);
            }
            if (attempt == 1) {
                assertTrue(afterMemory - before <= limit, "read(String, byte[]) allocated " + (afterMemory - before)
                        + " bytes for a " + bytes.length + "-byte file: " + inMemory.getMessage());
                assertTrue(afterDisk - afterMemory <= limit, "read(Path) allocated " + (afterDisk - afterMemory)
                        + " bytes for a " + bytes.length + "-byte file: " + onDisk.getMessage());
            }
        }
    }

    @Test
    @Spec({"SAFETENSORS-REJECTS-HOSTILE-FILES", "SAFETENSORS-NO-LARGE-ALLOCATION"})
    void aFileShorterThanEightBytesIsRejected() throws IOException {
        for (int n = 0; n < 8; n++) {
            assertRejected(new byte[n], "too short", "(" + n + " bytes)");
        }
    }

    @Test
    @Spec({"SAFETENSORS-REJECTS-HOSTILE-FILES", "SAFETENSORS-NO-LARGE-ALLOCATION"})
    void aHeaderLengthBeyondTheFileIsRejected() throws IOException {
        byte[] valid = file(tensor("F32", "[2]", "[0,8]"), 8);
        byte[] truncated = Arrays.copyOf(valid, valid.length - 9 - 8); // cut inside the header
        assertRejected(truncated, "header length", "runs past the end of the file");
        assertRejected(withLength(1000, "{}".getBytes(StandardCharsets.UTF_8)), "header length 1000", "runs past the end");
    }

    @Test
    @Spec({"SAFETENSORS-REJECTS-HOSTILE-FILES", "SAFETENSORS-NO-LARGE-ALLOCATION"})
    void anAbsurdHeaderLengthIsRejectedBeforeAnyAllocation() throws IOException {
        byte[] rest = "{}".getBytes(StandardCharsets.UTF_8);
        assertRejected(withLength(1L << 62, rest), "header length 4611686018427387904", "is not in [2, 100000000]");
        assertRejected(withLength(-1L, rest), "header length 18446744073709551615", "is not in");
        assertRejected(withLength(1L << 63, rest), "header length 9223372036854775808", "is not in");
        assertRejected(withLength(Integer.MAX_VALUE + 1L, rest), "header length 2147483648", "is not in");
        assertRejected(withLength(100_000_001L, rest), "header length 100000001", "is not in");
        assertRejected(withLength(0, rest), "header length 0", "is not in");
    }

    @Test
    @Spec("SAFETENSORS-REJECTS-HOSTILE-FILES")
    void invalidJsonInTheHeaderIsRejected() throws IOException {
        assertRejected(file("{\"t\":", 0), "header", "invalid JSON", "unexpected end of input");
        assertRejected(file("{\"t\" 1}", 0), "invalid JSON", "expected ':'");
        assertRejected(file("{} x", 0), "invalid JSON", "unexpected text after the JSON value");
        assertRejected(file("[1, 2]", 0), "expected a JSON object", "found array");
        assertRejected(file("\"text\"", 0), "expected a JSON object", "found string");
    }

    @Test
    @Spec("SAFETENSORS-REJECTS-HOSTILE-FILES")
    void aHeaderThatIsNotUtf8IsRejected() throws IOException {
        byte[] bytes = file("{\"tX\":{}}", 0);
        bytes[8 + 3] = (byte) 0xFF; // the X
        assertRejected(bytes, "header is not valid UTF-8");
        byte[] overlong = file("{\"XY\":{}}", 0);
        overlong[8 + 2] = (byte) 0xC0; // an overlong encoding of '/', which strict UTF-8 forbids
        overlong[8 + 3] = (byte) 0xAF;
        assertRejected(overlong, "not valid UTF-8");
    }

    @Test
    @Spec({"SAFETENSORS-REJECTS-HOSTILE-FILES", "SAFETENSORS-NO-LARGE-ALLOCATION"})
    void deeplyNestedJsonIsRejectedWithoutOverflowingTheStack() throws IOException {
        assertRejected(file("[".repeat(100_000), 0), "nesting deeper than " + Json.MAX_DEPTH);
        assertRejected(file("{\"a\":".repeat(100_000), 0), "nesting deeper than " + Json.MAX_DEPTH);
    }

    @Test
    @Spec("SAFETENSORS-REJECTS-HOSTILE-FILES")
    void dataOffsetsOutsideTheDataAreRejected() throws IOException {
        assertRejected(file(tensor("F32", "[2]", "[0,8]"), 4), "data_offsets [0, 8] lie outside the 4 bytes of data");
        assertRejected(file(tensor("F32", "[1]", "[-4,0]"), 4), "data_offsets [-4, 0] lie outside");
        assertRejected(file(tensor("F32", "[1]", "[8,4]"), 8), "data_offsets [8, 4] lie outside");
        assertRejected(file(tensor("F32", "[1]", "[0,9223372036854775807]"), 4), "lie outside");
    }

    @Test
    @Spec("SAFETENSORS-REJECTS-HOSTILE-FILES")
    void dataOffsetsThatAreNotTwoIntegersAreRejected() throws IOException {
        for (String offsets : List.of("[0.0,4]", "[0,4.5]", "[\"0\",4]", "[0]", "[0,4,8]", "{}", "null",
                "[0,18446744073709551616]", "[0,1e2]")) {
            assertRejected(file(tensor("F32", "[1]", offsets), 4), "tensor 't'", "data_offsets must be [begin, end], two integers");
        }
        assertRejected(file("{\"t\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "data_offsets must be");
    }

    @Test
    @Spec("SAFETENSORS-REJECTS-HOSTILE-FILES")
    void overlappingTensorsAreRejected() throws IOException {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertRejected(file(header, 12), "tensor 'b' starts at byte 4", "overlaps the previous tensor (which ends at 8)");
        String same = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertRejected(file(same, 4), "starts at byte 0", "overlaps");
    }

    @Test
    @Spec("SAFETENSORS-REJECTS-HOSTILE-FILES")
    void gapsAndBytesNoTensorCoversAreRejected() throws IOException {
        String gap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertRejected(file(gap, 12), "tensor 'b' starts at byte 8", "the previous tensor ends at 4 (a gap)");
        assertRejected(file(tensor("F32", "[1]", "[4,8]"), 8), "starts at byte 4", "(a gap)");
        assertRejected(file(tensor("F32", "[1]", "[0,4]"), 12), "the tensors cover 4 bytes of data but the file holds 12");
    }

    @Test
    @Spec("SAFETENSORS-REJECTS-HOSTILE-FILES")
    void aShapeThatDoesNotFillTheByteRangeIsRejected() throws IOException {
        assertRejected(file(tensor("F32", "[3]", "[0,8]"), 8), "shape [3] of F32 needs 12 bytes, but data_offsets give 8");
        assertRejected(file(tensor("F64", "[2, 2]", "[0,16]"), 16), "shape [2, 2] of F64 needs 32 bytes");
        assertRejected(file(tensor("BOOL", "[]", "[0,0]"), 0), "shape [] of BOOL needs 1 bytes, but data_offsets give 0");
        assertRejected(file(tensor("I64", "[1073741824]", "[0,8]"), 8), "needs 8589934592 bytes");
    }

    @Test
    @Spec({"SAFETENSORS-REJECTS-HOSTILE-FILES", "SAFETENSORS-NO-LARGE-ALLOCATION"})
    void aShapeWhoseProductOverflowsIsRejectedBeforeAllocating() throws IOException {
        assertRejected(file(tensor("F32", "[2147483647,2147483647,8]", "[0,4]"), 4),
                "shape [2147483647, 2147483647, 8] has more than 2^31-1 elements");
        assertRejected(file(tensor("F32", "[65536,65536,0]", "[0,0]"), 0), "more than 2^31-1 elements");
        assertRejected(file(tensor("F32", "[4294967296]", "[0,4]"), 4), "shape entry 4294967296 is not a size");
        assertRejected(file(tensor("F32", "[-1]", "[0,4]"), 4), "shape entry -1 is not a size");
        assertRejected(file(tensor("F32", "[1.0]", "[0,4]"), 4), "shape entry 1.0 is not a size");
        assertRejected(file(tensor("F32", "\"big\"", "[0,4]"), 4), "shape must be a list of sizes");
        assertRejected(file(tensor("F32", "[" + "1,".repeat(64) + "1]", "[0,4]"), 4), "shape has 65 dimensions (at most 64)");
    }

    @Test
    @Spec("SAFETENSORS-REJECTS-HOSTILE-FILES")
    void unsupportedDtypesAreRejected() throws IOException {
        for (String dtype : List.of("F16", "BF16", "U8", "I8", "f32", "")) {
            assertRejected(file(tensor(dtype, "[2]", "[0,4]"), 4), "unsupported dtype " + dtype, "(supported: F32, F64, I64, I32, BOOL)");
        }
        assertRejected(file("{\"t\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "unsupported dtype 4");
        assertRejected(file("{\"t\":[1,2]}", 0), "tensor 't': expected an object, found array");
    }

    @Test
    @Spec("SAFETENSORS-REJECTS-HOSTILE-FILES")
    void boolBytesOtherThanZeroAndOneAreRejected() throws IOException {
        for (int value : new int[] {2, 0x7F, 0x80, 0xFF}) {
            byte[] bytes = file(tensor("BOOL", "[3]", "[0,3]"), 3);
            bytes[bytes.length - 2] = (byte) value;
            bytes[bytes.length - 1] = 1;
            assertRejected(bytes, "tensor 't'", "BOOL element 1 is " + (byte) value + ", not 0 or 1");
        }
    }

    @Test
    @Spec("SAFETENSORS-REJECTS-HOSTILE-FILES")
    void metadataThatIsNotAMapOfStringsIsRejected() throws IOException {
        assertRejected(file("{\"__metadata__\":[\"a\"]}", 0), "__metadata__ must be an object of strings");
        assertRejected(file("{\"__metadata__\":\"a\"}", 0), "__metadata__ must be an object of strings");
        assertRejected(file("{\"__metadata__\":{\"a\":1}}", 0), "__metadata__ value for 'a' is not a string");
        assertRejected(file("{\"__metadata__\":{\"a\":null}}", 0), "__metadata__ value for 'a' is not a string");
        assertRejected(file("{\"__metadata__\":{\"a\":{\"b\":\"c\"}}}", 0), "value for 'a' is not a string");
    }

    @Test
    @Spec("SAFETENSORS-REJECTS-HOSTILE-FILES")
    void duplicateKeysAreRejected() throws IOException {
        String twice = "{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertRejected(file(twice, 8), "duplicate key \"t\"");
        assertRejected(file("{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}}", 0), "duplicate key \"a\"");
        assertRejected(file(tensor("F32", "[1]", "[0,4]").replace("\"shape\"", "\"dtype\":\"F32\",\"shape\""), 4),
                "duplicate key \"dtype\"");
    }

    @Test
    @Spec("SAFETENSORS-NO-LARGE-ALLOCATION")
    void theAllocationMeterWouldSeeAnArrayTheSizeAHostileHeaderClaims() {
        // The check above is only as good as its meter: a 64 MiB array, the size a believed header length
        // would make, must show up in the thread's allocation count.
        long before = allocatedBytes();
        byte[] big = new byte[64 << 20];
        long after = allocatedBytes();
        assertEquals(64 << 20, big.length);
        assertTrue(after - before >= 64 << 20, "the meter saw " + (after - before) + " bytes");
    }
}
