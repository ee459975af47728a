package dlblocks.bow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dlblocks.spec.Spec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Corpus}: LABEL&lt;TAB&gt;text lines; every malformed line is an error naming file and line, or skipped and counted. */
class CorpusTest {

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    @Test
    void wellFormedLinesGiveLabelsAndTextsInOrder() {
        Corpus c = Corpus.parse("f.tsv", utf8("ENGLISH\tHello there\nGERMAN\tGuten Tag, Welt\nPOLISH\tZażółć gęślą jaźń\n"), false);
        assertEquals(List.of("ENGLISH", "GERMAN", "POLISH"), c.labels());
        assertEquals(List.of("Hello there", "Guten Tag, Welt", "Zażółć gęślą jaźń"), c.texts());
        assertEquals(3, c.size());
        assertEquals(0, c.skippedLines());
        assertEquals(List.of(), c.problems());
    }

    @Test
    void crlfLineEndsAndAFinalLineWithoutANewlineAreRead() {
        Corpus crlf = Corpus.parse("f.tsv", utf8("A\tone\r\nB\ttwo\r\nC\tthree"), false);
        assertEquals(List.of("A", "B", "C"), crlf.labels());
        assertEquals(List.of("one", "two", "three"), crlf.texts(), "no \\r is left in the text");
        Corpus lf = Corpus.parse("f.tsv", utf8("A\tone\nB\ttwo\n"), false);
        assertEquals(2, lf.size(), "a final newline does not make an extra line");
        assertEquals(0, Corpus.parse("empty.tsv", new byte[0], false).size());
    }

    @Test
    @Spec("TSV-BAD-LINES-NAMED-OR-SKIPPED")
    void aByteOrderMarkIsNotPartOfTheFirstLabel() {
        byte[] file = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8("ENGLISH\tone\nGERMAN\tzwei\n"));
        Corpus c = Corpus.parse("bom.tsv", file, false);
        assertEquals(List.of("ENGLISH", "GERMAN"), c.labels());
        assertEquals(List.of("one", "zwei"), c.texts());
    }

    @Test
    @Spec("TSV-BAD-LINES-NAMED-OR-SKIPPED")
    void aFileWithCarriageReturnsOnlyHasOneExamplePerLine() {
        Corpus c = Corpus.parse("mac.tsv", utf8("A\tone\rB\ttwo\rC\tthree\r"), false);
        assertEquals(List.of("A", "B", "C"), c.labels());
        assertEquals(List.of("one", "two", "three"), c.texts());
        CorpusFormatException e = assertThrows(CorpusFormatException.class,
                () -> Corpus.parse("mac.tsv", utf8("A\tone\rno tab\r"), false));
        assertTrue(e.getMessage().startsWith("mac.tsv:2: "), e.getMessage());
    }

    @Test
    void onlyTheFirstTabSeparatesTheLabelAndSurroundingSpaceIsStripped() {
        Corpus c = Corpus.parse("f.tsv", utf8(" A \t  x\ty  \n"), false);
        assertEquals(List.of("A"), c.labels());
        assertEquals(List.of("x\ty"), c.texts());
    }

    /** Each kind of bad line, as it would sit on line 2 of a file, and the words its error must contain. */
    record Bad(String kind, byte[] line, String says) {
    }

    static List<Bad> badLines() {
        return List.of(
                new Bad("no tab", utf8("ENGLISH hello world"), "no tab"),
                new Bad("empty line", utf8(""), "no tab"),
                new Bad("empty label", utf8("\thello world"), "empty label"),
                new Bad("blank label", utf8("  \thello world"), "empty label"),
                new Bad("empty text", utf8("ENGLISH\t"), "empty text"),
                new Bad("blank text", utf8("ENGLISH\t \t "), "empty text"),
                new Bad("invalid byte 0xff", concat(utf8("ENGLISH\tbad "), new byte[] {(byte) 0xff}, utf8(" byte")), "UTF-8"),
                new Bad("truncated sequence", concat(utf8("ENGLISH\tcaf"), new byte[] {(byte) 0xc3}), "UTF-8"),
                new Bad("overlong encoding", concat(utf8("ENGLISH\t"), new byte[] {(byte) 0xc0, (byte) 0xaf}), "UTF-8"),
                new Bad("encoded surrogate", concat(utf8("ENGLISH\t"), new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}), "UTF-8"),
                new Bad("latin-1 text", concat(utf8("GERMAN\tGr"), new byte[] {(byte) 0xfc}, utf8("n")), "UTF-8"));
    }

    @Test
    @Spec("TSV-BAD-LINES-NAMED-OR-SKIPPED")
    void everyKindOfBadLineIsAnErrorNamingTheFileAndLine() {
        for (Bad bad : badLines()) {
            byte[] file = concat(utf8("ENGLISH\tfine\r\n"), bad.line(), utf8("\nGERMAN\tauch gut\n"));
            CorpusFormatException e = assertThrows(CorpusFormatException.class,
                    () -> Corpus.parse("data/x.tsv", file, false), bad.kind());
            assertTrue(e.getMessage().startsWith("data/x.tsv:2: "), bad.kind() + ": " + e.getMessage());
            assertTrue(e.getMessage().contains(bad.says()), bad.kind() + ": " + e.getMessage());
            assertTrue(e.getMessage().contains("--skip-bad-lines"), bad.kind() + ": says how to go on: " + e.getMessage());
        }
    }

    @Test
    @Spec("TSV-BAD-LINES-NAMED-OR-SKIPPED")
    void withSkipBadLinesEveryKindOfBadLineIsSkippedCountedAndNamed() {
        List<byte[]> parts = new ArrayList<>();
        parts.add(utf8("ENGLISH\tfirst\n"));
        for (Bad bad : badLines()) {
            parts.add(bad.line());
            parts.add(utf8("\n"));
        }
        parts.add(utf8("GERMAN\tlast"));
        Corpus c = Corpus.parse("x.tsv", concat(parts.toArray(new byte[0][])), true);
        assertEquals(List.of("ENGLISH", "GERMAN"), c.labels());
        assertEquals(List.of("first", "last"), c.texts());
        assertEquals(badLines().size(), c.skippedLines());
        // Up to 10 problems are kept, each naming its line: the bad lines are lines 2, 3, ...
        assertEquals(Math.min(10, badLines().size()), c.problems().size());
        for (int i = 0; i < c.problems().size(); i++) {
            assertTrue(c.problems().get(i).startsWith("x.tsv:" + (i + 2) + ": "), c.problems().get(i));
            assertTrue(c.problems().get(i).contains(badLines().get(i).says()), c.problems().get(i));
        }
    }

    @Test
    @Spec("TSV-BAD-LINES-NAMED-OR-SKIPPED")
    void skippingKeepsExactlyTheGoodLinesAndCountsTheRest() {
        qt().withExamples(200).forAll(integers().between(0, 40), longs().all()).checkAssert((lines, seed) -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            List<byte[]> parts = new ArrayList<>();
            List<String> goodTexts = new ArrayList<>();
            int bad = 0;
            int firstBadLine = 0;
            for (int i = 1; i <= lines; i++) {
                if (rnd.nextInt(3) == 0) {
                    parts.add(badLines().get(rnd.nextInt(badLines().size())).line());
                    bad++;
                    if (firstBadLine == 0) firstBadLine = i;
                } else {
                    String text = "text " + i;
                    parts.add(utf8("L" + rnd.nextInt(3) + "\t" + text));
                    goodTexts.add(text);
                }
                parts.add(utf8(rnd.nextBoolean() ? "\n" : "\r\n"));
            }
            byte[] file = concat(parts.toArray(new byte[0][]));
            Corpus c = Corpus.parse("p.tsv", file, true);
            assertEquals(goodTexts, c.texts());
            assertEquals(bad, c.skippedLines());
            if (bad == 0) {
                assertEquals(goodTexts, Corpus.parse("p.tsv", file, false).texts());
            } else {
                CorpusFormatException e = assertThrows(CorpusFormatException.class, () -> Corpus.parse("p.tsv", file, false));
                assertTrue(e.getMessage().startsWith("p.tsv:" + firstBadLine + ": "), e.getMessage());
            }
        });
    }

    @Test
    void readingAFileNamesItsPathAndAMissingFileIsNoSuchFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("train.tsv");
        Files.write(file, utf8("A\tx\nnot a line\n"));
        CorpusFormatException e = assertThrows(CorpusFormatException.class, () -> Corpus.read(file, false));
        assertTrue(e.getMessage().startsWith(file + ":2: "), e.getMessage());
        assertEquals(1, Corpus.read(file, true).skippedLines());
        assertThrows(NoSuchFileException.class, () -> Corpus.read(dir.resolve("missing.tsv"), false));
    }

    static Corpus bundled(String name) throws IOException {
        try (InputStream in = CorpusTest.class.getResourceAsStream("/dlblocks/langid/" + name)) {
            return Corpus.read(name, in, false);
        }
    }

    @Test
    @Spec("LANGID-BUNDLED-CORPUS")
    void theBundledCorpusHas16803TrainingAnd2100DevExamplesInSixLanguages() throws IOException {
        Set<String> six = Set.of("ENGLISH", "GERMAN", "ITALIAN", "POLISH", "PORTUGUESE", "SPANISH");
        Corpus train = bundled("train.tsv");
        Corpus dev = bundled("dev.tsv");
        assertEquals(16_803, train.size());
        assertEquals(2_100, dev.size());
        assertEquals(six, new TreeSet<>(train.labels()));
        assertEquals(six, new TreeSet<>(dev.labels()));
        assertEquals(0, train.skippedLines() + dev.skippedLines());
        try (InputStream readme = CorpusTest.class.getResourceAsStream("/dlblocks/langid/README.md")) {
            assertTrue(readme != null, "the corpus's README (sources and licences) ships with it");
        }
    }
}
