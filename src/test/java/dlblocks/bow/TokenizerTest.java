package dlblocks.bow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import dlblocks.spec.Spec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Tokenizer}: SPLIT is Python's {@code str.split()}, WORDS is Python's {@code re.findall(r"\w+", s)},
 * and lower-casing is a separate switch. The expected tokens below are what CPython 3.11 returns for
 * the same strings.
 */
class TokenizerTest {
    private static final Tokenizer SPLIT = new Tokenizer(Tokenizer.Mode.SPLIT, false);
    private static final Tokenizer WORDS = new Tokenizer(Tokenizer.Mode.WORDS, false);

    /**
     * Python's whitespace, {@code [c for c in range(0x110000) if chr(c).isspace()]} (CPython 3.11,
     * Unicode 14; unchanged since Unicode 6.3 dropped U+180E): these, and only these, separate words
     * in {@code str.split()}.
     */
    static final Set<Integer> PYTHON_WHITESPACE = Set.of(0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20,
            0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a,
            0x2028, 0x2029, 0x202f, 0x205f, 0x3000);

    /**
     * Surrogates (not characters of text), and — to keep the scan fast — the unassigned code points above
     * plane 3 (about 850,000 of them, none of which either language treats as a space or a word character).
     */
    static boolean skipped(int cp) {
        return cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE
                || cp > 0x3ffff && Character.getType(cp) == Character.UNASSIGNED;
    }

    /**
     * Checks, for every other Unicode code point c, that the text "a" c "b" is one token when {@code joins(c)}
     * and two ("a", "b") otherwise. All code points go through the tokenizer as one long text
     * ("a" c₀ "a" c₁ "a" …), whose expected tokens follow from {@code joins}; only on a mismatch are the
     * code points tried one by one, to name those that differ.
     */
    static void assertEveryCodePointJoinsOrSeparates(Tokenizer tokenizer, java.util.function.IntPredicate joins,
                                                     String rule) {
        StringBuilder text = new StringBuilder();
        List<String> expected = new ArrayList<>();
        StringBuilder token = new StringBuilder();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (skipped(cp)) continue;
            text.append('a').appendCodePoint(cp);
            token.append('a');
            if (joins.test(cp)) {
                token.appendCodePoint(cp);
            } else {
                expected.add(token.toString());
                token.setLength(0);
            }
        }
        if (token.length() > 0) {
            expected.add(token.toString());
        }
        if (expected.equals(tokenizer.tokens(text.toString()))) {
            return;
        }
        List<String> wrong = new ArrayList<>();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (skipped(cp)) continue;
            int tokens = tokenizer.tokens("a" + new String(Character.toChars(cp)) + "b").size();
            if (tokens != (joins.test(cp) ? 1 : 2)) wrong.add(String.format("U+%04X", cp));
        }
        assertEquals(List.of(), wrong, "code points that do not follow " + rule);
    }

    @Test
    @Spec("TOKENIZER-SPLIT-IS-PYTHON-STR-SPLIT")
    void splitSeparatesAtExactlyPythonsWhitespaceCodePoints() {
        assertEveryCodePointJoinsOrSeparates(SPLIT, cp -> !PYTHON_WHITESPACE.contains(cp), "Python's str.split()");
    }

    @Test
    @Spec("TOKENIZER-SPLIT-IS-PYTHON-STR-SPLIT")
    void splitIsPythonsStrSplitOnTabsNewlinesAndUnicodeSpaces() {
        // ' \tThe cat\u00a0sat.\n\non\u3000the\r\nmat,  please\u2003 ' .split()
        assertEquals(List.of("The", "cat", "sat.", "on", "the", "mat,", "please"),
                SPLIT.tokens(" \tThe cat\u00a0sat.\n\non\u3000the\r\nmat,  please\u2003 "));
        assertEquals(List.of(), SPLIT.tokens(""));
        assertEquals(List.of(), SPLIT.tokens(" \t\n\u2028 "));
        // A zero-width space is not whitespace to Python: 'a\u200bb'.split() == ['a\u200bb'].
        assertEquals(List.of("a\u200bb"), SPLIT.tokens("a\u200bb"));
        // Punctuation stays attached, as in the tutorial's sentences.
        assertEquals(List.of("Give", "it", "to", "me"), Tokenizer.TUTORIAL.tokens("Give it to me"));
        assertEquals(List.of("Ça", "va?"), Tokenizer.TUTORIAL.tokens("Ça va?"));
    }

    @Test
    @Spec("TOKENIZER-SPLIT-IS-PYTHON-STR-SPLIT")
    void splitAgreesWithJoiningOnSpacesForAnyWordsWithoutWhitespace() {
        qt().forAll(lists().of(strings().basicLatinAlphabet().ofLengthBetween(1, 6)).ofSizeBetween(0, 8))
                .checkAssert(raw -> {
                    List<String> words = new ArrayList<>();
                    for (String w : raw) {
                        String kept = w.replaceAll("\\s", "");
                        if (!kept.isEmpty()) words.add(kept);
                    }
                    assertEquals(words, SPLIT.tokens(" " + String.join(" \t ", words) + "\n"));
                });
    }

    @Test
    @Spec("TOKENIZER-WORDS-IS-PYTHON-BACKSLASH-W")
    void wordsAreRunsOfLettersDigitsAndUnderscoreInAnyScript() {
        // re.findall(r'\w+', "Don't stop—idea. covid19 e\u0301 ½ Ⅻ x²")
        assertEquals(List.of("Don", "t", "stop", "idea", "covid19", "e", "½", "Ⅻ", "x²"),
                WORDS.tokens("Don't stop—idea. covid19 e\u0301 ½ Ⅻ x²"));
        assertEquals(List.of("Zażółć", "gęślą", "jaźń"), WORDS.tokens("Zażółć, gęślą jaźń!"));
        assertEquals(List.of("Привет", "мир"), WORDS.tokens("«Привет, мир»"));
        assertEquals(List.of("Καλημέρα", "κόσμε"), WORDS.tokens("Καλημέρα κόσμε;"));
        assertEquals(List.of("東京は晴れ", "١٢٣", "snake_case"), WORDS.tokens("東京は晴れ。١٢٣ (snake_case)"));
        // A supplementary-plane letter (U+1D400 MATHEMATICAL BOLD CAPITAL A) is one letter, not two chars.
        assertEquals(List.of("x\uD835\uDC00y"), WORDS.tokens("x\uD835\uDC00y"));
        assertEquals(List.of(), WORDS.tokens("... — !?"));
    }

    @Test
    @Spec("TOKENIZER-WORDS-IS-PYTHON-BACKSLASH-W")
    void aCodePointIsAWordCharacterExactlyWhenItIsALetterANumberOrTheUnderscore() {
        // Python's \w on str: Unicode categories L* and N*, and '_' (checked exhaustively with CPython 3.11).
        assertEveryCodePointJoinsOrSeparates(WORDS, cp -> {
            int type = Character.getType(cp);
            return cp == '_' || type == Character.UPPERCASE_LETTER || type == Character.LOWERCASE_LETTER
                    || type == Character.TITLECASE_LETTER || type == Character.MODIFIER_LETTER
                    || type == Character.OTHER_LETTER || type == Character.DECIMAL_DIGIT_NUMBER
                    || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
        }, "Python's \\w");
    }

    @Test
    @Spec("TOKENIZER-LOWERCASE")
    void lowercaseAppliesToEveryScriptAndIndependentlyOfTheMode() {
        Tokenizer lowerWords = new Tokenizer(Tokenizer.Mode.WORDS, true);
        Tokenizer lowerSplit = new Tokenizer(Tokenizer.Mode.SPLIT, true);
        assertEquals(List.of("zażółć", "gęślą", "привет", "straße", "σοφία"),
                lowerWords.tokens("ZAŻÓŁĆ Gęślą ПРИВЕТ Straße ΣΟΦΊΑ"));
        assertEquals(List.of("hello,", "world!"), lowerSplit.tokens("Hello, WORLD!"));
        // Locale.ROOT: the capital I lower-cases to a dotted i on every machine (not Turkish dotless ı).
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr"));
            assertEquals(List.of("istanbul"), lowerWords.tokens("ISTANBUL"));
        } finally {
            Locale.setDefault(before);
        }
        assertEquals(List.of("Hello", "WORLD"), WORDS.tokens("Hello WORLD"));
    }

    @Test
    @Spec("TOKENIZER-LOWERCASE")
    void lowercasingTheTokensIsTokenizingTheLowercasedText() {
        qt().forAll(strings().allPossible().ofLengthBetween(0, 30)).checkAssert(text -> {
            for (Tokenizer.Mode mode : Tokenizer.Mode.values()) {
                assertEquals(new Tokenizer(mode, false).tokens(text.toLowerCase(Locale.ROOT)),
                        new Tokenizer(mode, true).tokens(text), mode.name());
            }
        });
    }
}
