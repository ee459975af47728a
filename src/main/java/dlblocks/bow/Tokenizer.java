package dlblocks.bow;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a text becomes words. {@link Mode#SPLIT} is the tutorial's {@code sentence.split()} (runs of
 * whitespace separate words; punctuation stays attached). {@link Mode#WORDS} keeps only runs of letters
 * and digits, so "idea." and "idea" are one word. Lower-casing (Python's {@code str.lower()}) is a separate switch.
 */
public record Tokenizer(Mode mode, boolean lowercase) {
    /** The splitting rule. */
    public enum Mode {
        /** Python's {@code str.split()}. */
        SPLIT,
        /** Maximal runs of letters, numbers and underscores (Python's {@code re.findall(r"\w+", text)}). */
        WORDS
    }

    /** The tutorial's tokenizer: {@code sentence.split()}, case kept. */
    public static final Tokenizer TUTORIAL = new Tokenizer(Mode.SPLIT, false);

    public List<String> tokens(String text) {
        String s = lowercase ? pythonLower(text) : text;
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            boolean inWord = mode == Mode.SPLIT ? !isPythonWhitespace(cp) : isWordChar(cp);
            if (inWord && start < 0) {
                start = i;
            } else if (!inWord && start >= 0) {
                out.add(s.substring(start, i));
                start = -1;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) {
            out.add(s.substring(start));
        }
        return out;
    }

    /**
     * Python's {@code str.lower()}. Java's {@code toLowerCase(Locale.ROOT)} maps every code point as Python
     * does except capital sigma, whose final form ς Java chooses by word boundaries; Python follows
     * Unicode's Final_Sigma rule (preceded by a cased letter, skipping case-ignorable ones, and not followed
     * by one), so "ΑΣ1Α" is "ας1α" in Python but "ασ1α" in Java. The text between sigmas has no
     * context-dependent mapping and is lower-cased by Java.
     */
    static String pythonLower(String text) {
        int sigma = text.indexOf('\u03A3');
        if (sigma < 0) {
            return text.toLowerCase(Locale.ROOT);
        }
        StringBuilder sb = new StringBuilder(text.length());
        int from = 0;
        for (; sigma >= 0; sigma = text.indexOf('\u03A3', from)) {
            sb.append(text.substring(from, sigma).toLowerCase(Locale.ROOT));
            sb.append(isFinalSigma(text, sigma) ? '\u03C2' : '\u03C3');
            from = sigma + 1;
        }
        return sb.append(text.substring(from).toLowerCase(Locale.ROOT)).toString();
    }

    /** Unicode's Final_Sigma context, as CPython's handle_capital_sigma tests it. */
    private static boolean isFinalSigma(String s, int at) {
        int i = at;
        int before = -1;
        while (i > 0) {
            before = s.codePointBefore(i);
            i -= Character.charCount(before);
            if (!isCaseIgnorable(before)) break;
        }
        if (before < 0 || isCaseIgnorable(before) || !isCased(before)) {
            return false;
        }
        for (int j = at + 1; j < s.length(); ) {
            int after = s.codePointAt(j);
            if (!isCaseIgnorable(after)) return !isCased(after);
            j += Character.charCount(after);
        }
        return true;
    }

    /** Unicode's Cased: Lowercase, Uppercase or titlecase letter (Java's predicates include Other_Lowercase/Uppercase). */
    private static boolean isCased(int cp) {
        return Character.isLowerCase(cp) || Character.isUpperCase(cp) || Character.isTitleCase(cp);
    }

    /**
     * Unicode's Case_Ignorable: general category Mn, Me, Cf, Lm or Sk, or Word_Break MidLetter, MidNumLet or
     * Single_Quote (the few code points listed).
     */
    private static boolean isCaseIgnorable(int cp) {
        switch (Character.getType(cp)) {
            case Character.NON_SPACING_MARK: case Character.ENCLOSING_MARK: case Character.FORMAT:
            case Character.MODIFIER_LETTER: case Character.MODIFIER_SYMBOL:
                return true;
            default:
                break;
        }
        switch (cp) {
            case '\'': case '.': case ':': case 0x00B7: case 0x0387: case 0x055F: case 0x05F4: case 0x2018:
            case 0x2019: case 0x2024: case 0x2027: case 0xFE13: case 0xFE52: case 0xFE55: case 0xFF07: case 0xFF0E:
            case 0xFF1A:
                return true;
            default:
                return false;
        }
    }

    /** Python's str.isspace for one code point. */
    private static boolean isPythonWhitespace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || (cp >= 0x1c && cp <= 0x1f) || cp == 0x85;
    }

    /** Python's \w: letters and numbers of any script, and the underscore. */
    private static boolean isWordChar(int cp) {
        int type = Character.getType(cp);
        return Character.isLetterOrDigit(cp) || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER
                || cp == '_';
    }
}
