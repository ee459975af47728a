package dlblocks.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dlblocks.bow.BoWClassifier;
import dlblocks.bow.Corpus;
import dlblocks.bow.CorpusFormatException;
import dlblocks.bow.LangIdModel;
import dlblocks.bow.Tokenizer;
import dlblocks.bow.Vocabulary;
import dlblocks.random.Generator;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzing inside the suite, for a bounded time: QuickTheories draws a seed and a mutation count, and the
 * {@link Mutator} turns valid files into hostile ones (bit flips, byte replacements, truncations, insertions
 * of JSON-significant tokens and awkward numbers, splices of other valid files, header-length rewrites).
 * Every reader of untrusted bytes must then return normally or throw its documented exception — a
 * {@link SafetensorsException}, {@link JsonException} or {@link CorpusFormatException}, all
 * IllegalArgumentExceptions with a message — and nothing else: no other exception, no hang (each call runs
 * under {@code assertTimeoutPreemptively}), no out-of-memory, and no allocation beyond 1 MiB + 64 bytes per
 * input byte. A failure prints the falsifying seed (QuickTheories) and the input in hex.
 */
class FuzzTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int EXAMPLES = 2000;

    private static final List<byte[]> SAFETENSORS = new ArrayList<>();
    private static final List<byte[]> MODELS = new ArrayList<>();
    private static final List<byte[]> JSON = new ArrayList<>();
    private static final List<byte[]> TSV = new ArrayList<>();

    @TempDir
    static Path tmp;

    @BeforeAll
    static void validInputs() throws IOException {
        Random r = new Random(1);
        DType[] dtypes = {DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.INT32, DType.BOOL};
        for (int i = 0; i < 6; i++) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (int t = 0; t < 1 + i % 3; t++) tensors.put("t" + t, SafetensorsTest.randomTensor(dtypes[(i + t) % 5], r));
            SAFETENSORS.add(Safetensors.encode(tensors, i % 2 == 0 ? Map.of("format", "pt") : Map.of()));
        }
        MODELS.add(smallModel(new Tokenizer(Tokenizer.Mode.WORDS, true), "der", "la", "the", "że"));
        MODELS.add(smallModel(Tokenizer.TUTORIAL, "me", "gusta", "comer", "en", "la", "cafeteria", "Give"));
        SAFETENSORS.addAll(MODELS);
        for (byte[] model : MODELS) {
            long n = ByteBuffer.wrap(model).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            String header = new String(model, 8, (int) n, StandardCharsets.UTF_8);
            JSON.add(header.getBytes(StandardCharsets.UTF_8));
            for (Object value : Json.parseObject(header).values()) {
                if (value instanceof Map) {
                    for (Object meta : ((Map<?, ?>) value).values()) {
                        if (meta instanceof String) JSON.add(((String) meta).getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
        }
        JSON.add("[1, -2.5e-3, 1e400, 18446744073709551616, true, false, null, \"\\u00e9\\n\\\"\"]".getBytes(StandardCharsets.UTF_8));
        JSON.add("{\"a\": {\"b\": [[], {}, \"\"]}, \"c\": -0}".getBytes(StandardCharsets.UTF_8));
        TSV.add("SPANISH\tme gusta comer en la cafeteria\nENGLISH\tGive it to me\n".getBytes(StandardCharsets.UTF_8));
        TSV.add("GERMAN\tDer Glaube ist wie die Liebe.\r\nPOLISH\tZażółć gęślą jaźń\r\n\nITALIAN\tè qui".getBytes(StandardCharsets.UTF_8));
        TSV.add(Arrays.copyOf(Files.readAllBytes(Path.of("src/main/resources/dlblocks/langid/dev.tsv")), 2000));
    }

    /** A three-label model over {@code words}, as LangIdModel.save writes it. */
    private static byte[] smallModel(Tokenizer tokenizer, String... words) throws IOException {
        BoWClassifier classifier = new BoWClassifier(3, words.length, new Generator(words.length));
        LangIdModel model = new LangIdModel(classifier, Vocabulary.of(words), Vocabulary.of("A", "B", "C"), tokenizer);
        Path file = tmp.resolve("seed-" + words.length + ".safetensors");
        model.save(file, true);
        return Files.readAllBytes(file);
    }

    // ------------------------------------------------------------------------------------------ mutation

    /** Deterministic mutations of valid inputs, driven by one seed. */
    static final class Mutator {
        private static final String[] TOKENS = {
            "0", "-1", "-0", "1.5", "1e999", "-1e-999", "2147483647", "2147483648", "4294967296", "9223372036854775807",
            "9223372036854775808", "18446744073709551616", "99999999999999999999999999999999", "[", "]", "{", "}", "\"", ",",
            ":", "\\", "\\u", "\\u0000", "\\ud800", "\\uZZZZ", "null", "true", "false", "F16", "BF16", "BOOL", "I32",
            "F64", "\"__metadata__\"", "\"data_offsets\"", "\"shape\"", "\"dtype\"", "[[[[[[[[", "\t", "\n", "\r", "\r\n",
            " ", "\u00a0", "é", "😀", "[]", "{}", "\"\"",
        };
        private static final byte[][] BYTES = {
            {(byte) 0xC0, (byte) 0x80}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90},
            {(byte) 0xE2, (byte) 0x82}, {0}, {(byte) 0x80},
        };

        private final Random r;
        private final List<byte[]> others;

        Mutator(long seed, List<byte[]> others) {
            this.r = new Random(seed);
            this.others = others;
        }

        byte[] pick(List<byte[]> inputs) {
            return inputs.get(r.nextInt(inputs.size()));
        }

        /** {@code count} mutations of {@code input}, positions biased toward its first {@code hot} bytes. */
        byte[] mutate(byte[] input, int count, int hot) {
            byte[] b = input.clone();
            for (int i = 0; i < count; i++) {
                b = once(b, Math.min(hot, b.length));
            }
            return b;
        }

        private int position(int length, int hot) {
            if (length == 0) return 0;
            return hot > 0 && r.nextInt(4) > 0 ? r.nextInt(hot) : r.nextInt(length);
        }

        private byte[] once(byte[] b, int hot) {
            int at = position(b.length, hot);
            switch (r.nextInt(8)) {
                case 0: // flip one bit
                    if (b.length > 0) b[at] ^= (byte) (1 << r.nextInt(8));
                    return b;
                case 1: // replace a byte
                    if (b.length > 0) b[at] = r.nextBoolean() ? (byte) r.nextInt(256) : TOKENS[r.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8)[0];
                    return b;
                case 2: // truncate
                    return Arrays.copyOf(b, at);
                case 3: // insert a token or awkward bytes
                    return insert(b, at, r.nextInt(3) == 0 ? BYTES[r.nextInt(BYTES.length)]
                            : TOKENS[r.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
                case 4: { // delete a range
                    int end = Math.min(b.length, at + 1 + r.nextInt(16));
                    byte[] out = new byte[b.length - (end - at)];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(b, end, out, at, b.length - end);
                    return out;
                }
                case 5: { // splice: our head, another input's tail
                    byte[] other = others.get(r.nextInt(others.size()));
                    int from = other.length == 0 ? 0 : r.nextInt(other.length);
                    byte[] out = Arrays.copyOf(b, at + other.length - from);
                    System.arraycopy(other, from, out, at, other.length - from);
                    return out;
                }
                case 6: { // duplicate a range elsewhere
                    int end = Math.min(b.length, at + 1 + r.nextInt(32));
                    return insert(b, position(b.length, hot), Arrays.copyOfRange(b, at, end));
                }
                default: { // replace a run of digits with an awkward number
                    int start = at;
                    while (start < b.length && (b[start] < '0' || b[start] > '9')) start++;
                    int end = start;
                    while (end < b.length && b[end] >= '0' && b[end] <= '9') end++;
                    if (start >= b.length) return b;
                    byte[] number = TOKENS[r.nextInt(12)].getBytes(StandardCharsets.UTF_8);
                    byte[] out = new byte[b.length - (end - start) + number.length];
                    System.arraycopy(b, 0, out, 0, start);
                    System.arraycopy(number, 0, out, start, number.length);
                    System.arraycopy(b, end, out, start + number.length, b.length - end);
                    return out;
                }
            }
        }

        private static byte[] insert(byte[] b, int at, byte[] what) {
            byte[] out = new byte[b.length + what.length];
            System.arraycopy(b, 0, out, 0, at);
            System.arraycopy(what, 0, out, at, what.length);
            System.arraycopy(b, at, out, at + what.length, b.length - at);
            return out;
        }

        /**
         * A structure-aware mutation: the file's tensors and metadata, changed as objects (a tensor dropped,
         * added or reshaped, a metadata value dropped or replaced by an awkward or mutated one) and written
         * back as a well-formed file, to reach the checks a model loader makes after the format's.
         */
        byte[] mutateStructure(byte[] file, int count) {
            Safetensors.Contents contents = Safetensors.read("seed", file);
            Map<String, Tensor> tensors = new LinkedHashMap<>(contents.tensors());
            Map<String, String> metadata = new LinkedHashMap<>(contents.metadata());
            String[] names = {"linear.weight", "linear.bias", "extra", "linear.weight "};
            String[] keys = {"dlblocks.vocabulary", "dlblocks.labels", "dlblocks.tokenizer", "dlblocks.lowercase", "format"};
            String[] values = {"[]", "[\"a\"]", "[\"a\",\"a\"]", "[1]", "[null]", "{}", "", "null", "true", "True", "yes",
                "words", "split", "WORDS", "chars", "[\"A\",\"B\"]", "[\"A\",\"B\",\"C\",\"D\"]"};
            DType[] dtypes = {DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.INT32, DType.BOOL};
            for (int i = 0; i < count; i++) {
                List<String> present = new ArrayList<>(tensors.keySet());
                switch (r.nextInt(5)) {
                    case 0:
                        if (!present.isEmpty()) tensors.remove(present.get(r.nextInt(present.size())));
                        break;
                    case 1: { // a tensor of an awkward shape (sizes 0, 1, the real ones, one off) or dtype
                        Tensor weight = tensors.get("linear.weight");
                        Tensor like = weight != null && weight.dim() == 2 ? weight : Tensor.zeros(3, 4);
                        int[] sizes = {0, 1, like.size(0), like.size(-1), like.size(0) + 1, Math.max(0, like.size(-1) - 1)};
                        int[] shape = new int[r.nextInt(3)];
                        for (int d = 0; d < shape.length; d++) shape[d] = sizes[r.nextInt(sizes.length)];
                        Tensor t = r.nextInt(3) == 0
                                ? SafetensorsTest.randomTensor(dtypes[r.nextInt(dtypes.length)], r)
                                : Tensor.fromFloats(new float[Arrays.stream(shape).reduce(1, (a, c) -> a * c)], shape);
                        tensors.put(names[r.nextInt(names.length)], t);
                        break;
                    }
                    case 2:
                        metadata.remove(keys[r.nextInt(keys.length)]);
                        break;
                    case 3:
                        metadata.put(keys[r.nextInt(keys.length)], values[r.nextInt(values.length)]);
                        break;
                    default: {
                        String key = keys[r.nextInt(keys.length)];
                        byte[] value = metadata.getOrDefault(key, "[]").getBytes(StandardCharsets.UTF_8);
                        metadata.put(key, new String(mutate(value, 1, value.length), StandardCharsets.UTF_8));
                    }
                }
            }
            return Safetensors.encode(tensors, metadata);
        }

        /**
         * A safetensors file mutated in one of four ways: structurally (above), anywhere (the length field included, which may also
         * be set to an awkward value), in the header only with the length field then corrected (to reach the
         * checks behind the length check), or in the data only.
         */
        byte[] mutateSafetensors(byte[] file, int count) {
            long n = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            switch (r.nextInt(5)) {
                case 4:
                    return mutateStructure(file, count);
                case 0: {
                    byte[] b = mutate(file, count, 8 + (int) n);
                    if (b.length >= 8 && r.nextBoolean()) {
                        long[] lengths = {0, 1, 2, b.length - 8, b.length - 7, 1L << 62, -1, 1L << 63, Integer.MAX_VALUE + 1L,
                            100_000_000, 100_000_001, r.nextLong()};
                        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, lengths[r.nextInt(lengths.length)]);
                    }
                    return b;
                }
                case 1: case 2: {
                    byte[] header = mutate(Arrays.copyOfRange(file, 8, 8 + (int) n), count, (int) n);
                    ByteBuffer out = ByteBuffer.allocate(8 + header.length + file.length - 8 - (int) n).order(ByteOrder.LITTLE_ENDIAN);
                    out.putLong(header.length).put(header).put(file, 8 + (int) n, file.length - 8 - (int) n);
                    return out.array();
                }
                default: {
                    byte[] data = Arrays.copyOfRange(file, 8 + (int) n, file.length);
                    for (int i = 0; i < count && data.length > 0; i++) data[r.nextInt(data.length)] = (byte) r.nextInt(256);
                    byte[] out = Arrays.copyOf(file, file.length);
                    System.arraycopy(data, 0, out, 8 + (int) n, data.length);
                    return out;
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ the check

    /** Stands for "no exception is allowed". */
    private static final class NeverThrown extends IllegalArgumentException {
    }

    /** A reader under test: it may return anything or throw {@code allowed}. */
    interface Reader {
        void read(byte[] input) throws Exception;
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** Runs {@code reader} on {@code input} under the timeout; only {@code allowed} (with a message) may escape. */
    private static void check(String what, byte[] input, Class<? extends IllegalArgumentException> allowed, Reader reader) {
        String shown = HexFormat.of().formatHex(input, 0, Math.min(input.length, 600)) + (input.length > 600 ? "…" : "");
        assertTimeoutPreemptively(TIMEOUT, () -> {
            long before = allocatedBytes();
            try {
                reader.read(input);
            } catch (Throwable t) {
                if (!allowed.isInstance(t) || t.getMessage() == null || t.getMessage().isEmpty()) {
                    fail(what + " threw " + t + " (only " + allowed.getSimpleName() + " is documented) on "
                            + input.length + " bytes: " + shown, t);
                }
            }
            long allocated = allocatedBytes() - before;
            long limit = (1 << 20) + 64L * input.length;
            assertTrue(allocated <= limit, what + " allocated " + allocated + " bytes for " + input.length + " bytes: " + shown);
        }, () -> what + " took longer than " + TIMEOUT + " on " + input.length + " bytes: " + shown);
    }

    // ------------------------------------------------------------------------------------------ the properties

    @Test
    @Spec("FUZZ-READERS-THROW-ONLY-DOCUMENTED-ERRORS")
    void safetensorsReadThrowsOnlySafetensorsExceptionOnMutatedFiles() {
        qt().withExamples(EXAMPLES).forAll(longs().all(), integers().between(1, 6)).checkAssert((seed, count) -> {
            Mutator m = new Mutator(seed, SAFETENSORS);
            byte[] input = m.mutateSafetensors(m.pick(SAFETENSORS), count);
            check("Safetensors.read", input, SafetensorsException.class, b -> Safetensors.read("fuzz", b));
        });
    }

    @Test
    @Spec("FUZZ-READERS-THROW-ONLY-DOCUMENTED-ERRORS")
    void langIdModelLoadThrowsOnlySafetensorsExceptionOnMutatedModels() throws IOException {
        Path file = tmp.resolve("fuzz-model.safetensors");
        qt().withExamples(1000).forAll(longs().all(), integers().between(1, 6)).checkAssert((seed, count) -> {
            Mutator m = new Mutator(seed, MODELS);
            byte[] input = m.mutateSafetensors(m.pick(MODELS), count);
            check("LangIdModel.load", input, SafetensorsException.class, b -> {
                Files.write(file, b);
                LangIdModel model = LangIdModel.load(file);
                // A model that loads can predict: no later crash hides behind a successful load.
                model.predict(List.of("der la the me gusta że"));
            });
        });
    }

    @Test
    @Spec("FUZZ-READERS-THROW-ONLY-DOCUMENTED-ERRORS")
    void jsonParseThrowsOnlyJsonExceptionOnMutatedDocuments() {
        qt().withExamples(EXAMPLES).forAll(longs().all(), integers().between(1, 8)).checkAssert((seed, count) -> {
            Mutator m = new Mutator(seed, JSON);
            byte[] doc = m.pick(JSON);
            byte[] input = m.mutate(doc, count, doc.length);
            check("Json.parse", input, JsonException.class, b -> Json.parse(new String(b, StandardCharsets.UTF_8)));
        });
    }

    @Test
    @Spec("FUZZ-READERS-THROW-ONLY-DOCUMENTED-ERRORS")
    void corpusParseThrowsOnlyCorpusFormatExceptionOnMutatedTsv() {
        qt().withExamples(EXAMPLES).forAll(longs().all(), integers().between(1, 8)).checkAssert((seed, count) -> {
            Mutator m = new Mutator(seed, TSV);
            byte[] tsv = m.pick(TSV);
            byte[] input = m.mutate(tsv, count, tsv.length);
            if (seed % 2 == 0) {
                check("Corpus.parse", input, CorpusFormatException.class, b -> Corpus.parse("fuzz.tsv", b, false));
            } else {
                // Skipping bad lines never throws, and every line is either an example or counted as skipped.
                check("Corpus.parse --skip-bad-lines", input, NeverThrown.class, b -> {
                    Corpus c = Corpus.parse("fuzz.tsv", b, true);
                    assertEquals(TextLines.split(b).size(), c.size() + c.skippedLines(), "lines = examples + skipped");
                });
            }
        });
    }

    /** The mutator does reach past the first checks: some mutated files still read, most are rejected. */
    @Test
    @Spec("FUZZ-READERS-THROW-ONLY-DOCUMENTED-ERRORS")
    void theMutatorMakesBothReadableAndRejectedFiles() {
        int readable = 0;
        int rejected = 0;
        java.util.Set<String> problems = new java.util.TreeSet<>();
        for (long seed = 0; seed < 500; seed++) {
            Mutator m = new Mutator(seed, SAFETENSORS);
            byte[] input = m.mutateSafetensors(m.pick(SAFETENSORS), 1 + (int) (seed % 3));
            try {
                Safetensors.read("fuzz", input);
                readable++;
            } catch (SafetensorsException e) {
                rejected++;
                problems.add(e.getMessage().replaceAll("[0-9]+", "N").replaceAll("'[^']*'", "'x'").replaceAll(": invalid JSON.*", ": invalid JSON"));
            }
        }
        assertTrue(readable > 25 && rejected > 125, readable + " readable, " + rejected + " rejected");
        assertTrue(problems.size() >= 12, "only " + problems.size() + " kinds of rejection reached: " + problems);
    }

    // ------------------------------------------------------------------------------------------ found by fuzzing and review

    /** A model file with these tensors and metadata (labels A, B; words x, y, z unless replaced). */
    private static Path modelFile(String name, Map<String, Tensor> tensors, Map<String, String> replacedMetadata)
            throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(LangIdModel.LABELS, "[\"A\",\"B\"]");
        metadata.put(LangIdModel.VOCABULARY, "[\"x\",\"y\",\"z\"]");
        metadata.put(LangIdModel.TOKENIZER, "split");
        metadata.putAll(replacedMetadata);
        Path file = tmp.resolve(name + ".safetensors");
        Safetensors.write(file, tensors, metadata, true);
        return file;
    }

    private static Map<String, Tensor> weights(int labels, int words, int biasLength) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("linear.weight", Tensor.zeros(labels, words));
        tensors.put("linear.bias", Tensor.zeros(biasLength));
        return tensors;
    }

    private static void assertLoadRejects(Path file, String fragment) {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> LangIdModel.load(file));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    /** Found by the fuzzer: a tensor beyond linear.weight and linear.bias escaped as a plain IllegalArgumentException. */
    @Test
    @Spec("FUZZ-READERS-THROW-ONLY-DOCUMENTED-ERRORS")
    void aModelWithAnExtraTensorIsASafetensorsException() throws IOException {
        Map<String, Tensor> tensors = weights(2, 3, 2);
        tensors.put("extra", Tensor.zeros(1));
        assertLoadRejects(modelFile("extra", tensors, Map.of()),
                "expected exactly the float32 tensors 'linear.weight' and 'linear.bias', found [linear.weight, linear.bias, extra]");
        assertLoadRejects(modelFile("missing", Map.of("linear.weight", Tensor.zeros(2, 3)), Map.of()), "found [linear.weight]");
        // A float64 model (PyTorch's model.double()) is named as such, with the way out.
        Map<String, Tensor> doubles = weights(2, 3, 2);
        doubles.put("linear.weight", doubles.get("linear.weight").to(DType.FLOAT64));
        assertLoadRejects(modelFile("double", doubles, Map.of()),
                "linear.weight is float64, expected float32 (a model saved from PyTorch in another dtype: convert it");
    }

    /** Found by the fuzzer: a bias of the wrong length escaped from loadStateDict as a plain IllegalArgumentException. */
    @Test
    @Spec("FUZZ-READERS-THROW-ONLY-DOCUMENTED-ERRORS")
    void aModelWhoseBiasDoesNotMatchTheLabelsIsASafetensorsException() throws IOException {
        assertLoadRejects(modelFile("bias", weights(2, 3, 4), Map.of()), "linear.bias [4] but the metadata names 2 labels");
        Map<String, Tensor> matrixBias = weights(2, 3, 2);
        matrixBias.put("linear.bias", Tensor.zeros(2, 1));
        assertLoadRejects(modelFile("matrix-bias", matrixBias, Map.of()), "linear.bias [2, 1]");
    }

    /** Found in review: a model without labels loaded, then failed in predict with an index error. */
    @Test
    @Spec("FUZZ-READERS-THROW-ONLY-DOCUMENTED-ERRORS")
    void aModelWithoutLabelsIsASafetensorsException() throws IOException {
        assertLoadRejects(modelFile("no-labels", weights(0, 3, 0), Map.of(LangIdModel.LABELS, "[]")),
                "metadata 'dlblocks.labels' names no labels");
    }

    /** Found in review: Boolean.parseBoolean read any value but "true" as false, so "1" or "yes" silently changed the tokens. */
    @Test
    @Spec("FUZZ-READERS-THROW-ONLY-DOCUMENTED-ERRORS")
    void aLowercaseFlagOtherThanTrueOrFalseIsASafetensorsException() throws IOException {
        for (String flag : List.of("yes", "1", "truee", "")) {
            assertLoadRejects(modelFile("flag", weights(2, 3, 2), Map.of(LangIdModel.LOWERCASE, flag)),
                    "metadata 'dlblocks.lowercase' is '" + flag + "', not true or false");
        }
        for (String flag : List.of("true", "True")) { // Python's str(True) too
            assertTrue(LangIdModel.load(modelFile("flag-true", weights(2, 3, 2), Map.of(LangIdModel.LOWERCASE, flag)))
                    .tokenizer().lowercase());
        }
    }

    /** JSON allows only ASCII hex digits in \\u escapes; Character.digit also accepted ٣ (U+0663) and fullwidth Ａ. */
    @Test
    @Spec("FUZZ-READERS-THROW-ONLY-DOCUMENTED-ERRORS")
    void unicodeEscapesTakeOnlyAsciiHexDigits() {
        assertEquals("\u3333", Json.parse("\"\\u3333\""));
        assertEquals("\uABCD\uabcd", Json.parse("\"\\uABCD\\uabcd\""));
        JsonException arabic = assertThrows(JsonException.class, () -> Json.parse("\"\\u\u0663\u0663\u0663\u0663\""));
        assertTrue(arabic.getMessage().contains("bad hex digit in \\u escape"), arabic.getMessage());
        JsonException fullwidth = assertThrows(JsonException.class, () -> Json.parse("\"\\u\uFF21BCD\""));
        assertTrue(fullwidth.getMessage().contains("bad hex digit"), fullwidth.getMessage());
    }
}
