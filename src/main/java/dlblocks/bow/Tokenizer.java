package dlblocks.bow;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a text becomes words. {@link Mode#SPLIT} is the tutorial's {@code sentence.split()} (runs of
 * whitespace separate words; punctuation stays attached). {@link Mode#WORDS} keeps only runs of letters
 * and digits, so "idea." and "idea" are one word. Lower-casing (Locale.ROOT) is a separate switch.
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
        String s = lowercase ? text.toLowerCase(Locale.ROOT) : text;
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
