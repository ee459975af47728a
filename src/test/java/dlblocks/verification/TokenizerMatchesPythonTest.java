package dlblocks.verification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlblocks.bow.Corpus;
import dlblocks.bow.Tokenizer;
import dlblocks.io.Json;
import dlblocks.spec.Spec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * {@link Tokenizer} splits and lower-cases text exactly as the Python of verification/langid_torch.py does
 * ({@code str.split()}, {@code re.findall(r"\w+")}, {@code str.lower()}), so a model moved between Java and
 * PyTorch sees the same words. The fixture {@code verification/langid/python-tokenizer.json} was written by
 * Python 3.11 (Unicode 14); every code point that Java 17 (Unicode 13) assigns is compared, one by one.
 */
class TokenizerMatchesPythonTest {
    private static final Path FIXTURE = Path.of("verification", "langid", "python-tokenizer.json");
    private static final Tokenizer SPLIT = new Tokenizer(Tokenizer.Mode.SPLIT, false);
    private static final Tokenizer WORDS = new Tokenizer(Tokenizer.Mode.WORDS, false);
    private static final Tokenizer SPLIT_LOWER = new Tokenizer(Tokenizer.Mode.SPLIT, true);

    private static Map<String, Object> fixture() throws IOException {
        return Json.parseObject(Files.readString(FIXTURE));
    }

    /**
     * U+1734 HANUNOO SIGN PAMUDPOD moved from Mn to Mc in Unicode 14, so it is case-ignorable for Java 17
     * (Unicode 13) and not for Python 3.11: the one assigned code point whose Unicode data the two disagree
     * on here. {@link #unicodeDataDifferencesAreOnlyTheListedOnes} keeps the list honest.
     */
    private static final int CHANGED_IN_UNICODE_14 = 0x1734;

    /** Code points Java knows (Unicode 13 assigned, not a surrogate): the ones the comparison can cover. */
    private static boolean comparable(int cp) {
        return Character.getType(cp) != Character.UNASSIGNED && Character.getType(cp) != Character.SURROGATE
                && cp != CHANGED_IN_UNICODE_14;
    }

    @Test
    @Spec("LANGID-TOKENIZER-MATCHES-PYTHON")
    void unicodeDataDifferencesAreOnlyTheListedOnes() throws IOException {
        assertEquals(Character.NON_SPACING_MARK, Character.getType(CHANGED_IN_UNICODE_14),
                "Java's Unicode data changed: revisit CHANGED_IN_UNICODE_14");
        // "Α" + c + "Σ": the sigma is final exactly when c is cased or case-ignorable.
        boolean pythonFinal = set(fixture().get("sigma_after_alpha_c"))[CHANGED_IN_UNICODE_14];
        boolean javaFinal = lastChar("Α" + str(CHANGED_IN_UNICODE_14) + "Σ") == 'ς';
        assertTrue(javaFinal && !pythonFinal, "Java treats U+1734 as case-ignorable (Mn), Python 3.11 not (Mc)");
    }

    private static boolean[] set(Object ranges) {
        boolean[] in = new boolean[Character.MAX_CODE_POINT + 1];
        for (Object r : (List<?>) ranges) {
            List<?> range = (List<?>) r;
            for (long cp = (Long) range.get(0); cp <= (Long) range.get(1); cp++) {
                in[(int) cp] = true;
            }
        }
        return in;
    }

    /** Every comparable code point where Java's answer differs from Python's, as hex (at most 20). */
    private static List<String> disagreements(boolean[] python, IntPredicate java) {
        List<String> wrong = new ArrayList<>();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT && wrong.size() < 20; cp++) {
            if (comparable(cp) && python[cp] != java.test(cp)) {
                wrong.add(String.format("U+%04X (Python %s)", cp, python[cp]));
            }
        }
        return wrong;
    }

    private static String str(int cp) {
        return new String(Character.toChars(cp));
    }

    @Test
    @Spec("LANGID-TOKENIZER-MATCHES-PYTHON")
    void splitSeparatesAtExactlyPythonsWhitespace() throws IOException {
        boolean[] python = set(fixture().get("whitespace"));
        assertEquals(List.of(), disagreements(python, cp -> SPLIT.tokens("a" + str(cp) + "b").size() == 2),
                "code points where str.split() and Tokenizer SPLIT disagree on whitespace");
    }

    @Test
    @Spec("LANGID-TOKENIZER-MATCHES-PYTHON")
    void wordsKeepsExactlyPythonsWordCharacters() throws IOException {
        boolean[] python = set(fixture().get("word"));
        assertEquals(List.of(), disagreements(python, cp -> !WORDS.tokens(str(cp)).isEmpty()),
                "code points where re's \\w and Tokenizer WORDS disagree");
    }

    @Test
    @Spec("LANGID-TOKENIZER-MATCHES-PYTHON")
    void lowercasingMapsEveryCodePointAsPythonsLower() throws IOException {
        String[] python = new String[Character.MAX_CODE_POINT + 1];
        for (Object o : (List<?>) fixture().get("lower")) {
            List<?> pair = (List<?>) o;
            python[(int) (long) (Long) pair.get(0)] = (String) pair.get(1);
        }
        List<String> wrong = new ArrayList<>();
        int compared = 0;
        for (int cp = 0; cp <= Character.MAX_CODE_POINT && wrong.size() < 20; cp++) {
            if (!comparable(cp) || SPLIT.tokens(str(cp)).size() != 1) {
                continue; // whitespace has no token to compare; its lower() is itself in both
            }
            String expected = python[cp] != null ? python[cp] : str(cp);
            String actual = SPLIT_LOWER.tokens(str(cp)).get(0);
            compared++;
            if (!expected.equals(actual)) {
                wrong.add(String.format("U+%04X: Python %s, Java %s", cp, expected, actual));
            }
        }
        assertEquals(List.of(), wrong, "code points that Tokenizer lower-cases differently from str.lower()");
        assertTrue(compared > 100_000, "compared only " + compared + " code points");
    }

    /**
     * Capital sigma is the one context-dependent lower-casing: Python makes it final (ς) by Unicode's
     * Final_Sigma rule, Java's String.toLowerCase by word boundaries ("ΑΣ1Α": Python ας1α, Java ασ1α).
     * The three probes isolate the rule's "cased" and "case-ignorable" tests for every code point c.
     */
    @Test
    @Spec("LANGID-TOKENIZER-MATCHES-PYTHON")
    void capitalSigmaBecomesFinalExactlyWherePythonsLowerMakesItFinal() throws IOException {
        Map<String, Object> f = fixture();
        List<String> wrong = new ArrayList<>();
        wrong.addAll(disagreements(set(f.get("sigma_after_space_c")), cp -> lastChar(" " + str(cp) + "Σ") == 'ς'));
        wrong.addAll(disagreements(set(f.get("sigma_after_alpha_c")), cp -> lastChar("Α" + str(cp) + "Σ") == 'ς'));
        wrong.addAll(disagreements(set(f.get("sigma_before_c")),
                cp -> SPLIT_LOWER.tokens("ΑΣ" + str(cp)).get(0).charAt(1) == 'ς'));
        assertEquals(List.of(), wrong, "probes where Tokenizer's final sigma differs from str.lower()");
    }

    private static char lastChar(String text) {
        List<String> tokens = SPLIT_LOWER.tokens(text);
        String last = tokens.get(tokens.size() - 1);
        return last.charAt(last.length() - 1);
    }

    @Test
    @Spec("LANGID-TOKENIZER-MATCHES-PYTHON")
    void handPickedTextsGiveThePythonTokensInAllFourSettings() throws IOException {
        List<?> examples = (List<?>) fixture().get("examples");
        assertTrue(examples.size() >= 10);
        for (Object o : examples) {
            Map<?, ?> example = (Map<?, ?>) o;
            String text = (String) example.get("text");
            for (Tokenizer.Mode mode : Tokenizer.Mode.values()) {
                for (boolean lowercase : new boolean[] {false, true}) {
                    String key = mode.name().toLowerCase(java.util.Locale.ROOT) + " " + lowercase;
                    assertEquals(example.get(key), new Tokenizer(mode, lowercase).tokens(text),
                            "tokens of " + Json.quote(text) + " with " + key);
                }
            }
        }
    }

    @Test
    @Spec("LANGID-TOKENIZER-MATCHES-PYTHON")
    void theBundledDevSplitGivesThePythonTokensInAllFourSettings() throws Exception {
        Corpus dev = Corpus.read(Path.of("src", "main", "resources", "dlblocks", "langid", "dev.tsv"), false);
        Map<?, ?> digests = (Map<?, ?>) fixture().get("dev_tokens");
        for (Tokenizer.Mode mode : Tokenizer.Mode.values()) {
            for (boolean lowercase : new boolean[] {false, true}) {
                Tokenizer tokenizer = new Tokenizer(mode, lowercase);
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                long n = 0;
                for (String text : dev.texts()) {
                    for (String token : tokenizer.tokens(text)) {
                        sha.update(token.getBytes(StandardCharsets.UTF_8));
                        sha.update((byte) 0);
                        n++;
                    }
                    sha.update((byte) '\n');
                }
                Map<?, ?> expected = (Map<?, ?>) digests.get(mode.name().toLowerCase(java.util.Locale.ROOT) + " " + lowercase);
                assertEquals(expected.get("tokens"), n, "token count, " + tokenizer);
                assertEquals(expected.get("sha256"), HexFormat.of().formatHex(sha.digest()), "tokens' SHA-256, " + tokenizer);
            }
        }
    }
}
