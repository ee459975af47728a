package dlblocks.bow;

import java.util.Arrays;
import java.util.List;

/** One labelled sentence: the tutorial's {@code ("me gusta comer ...".split(), "SPANISH")}. */
public record Example(List<String> words, String label) {
    public Example {
        words = List.copyOf(words);
    }

    /** Splits {@code text} on whitespace, as Python's {@code str.split()} does. */
    public static Example of(String text, String label) {
        String trimmed = text.strip();
        return new Example(trimmed.isEmpty() ? List.of() : Arrays.asList(trimmed.split("\\s+")), label);
    }
}
