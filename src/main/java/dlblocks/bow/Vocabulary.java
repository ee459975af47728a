package dlblocks.bow;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tutorial's {@code word_to_ix}: each word gets the next free index the first time it is seen, so
 * indices are 0..V−1 in first-seen order. The same structure serves as {@code label_to_ix}. Prints as
 * the tutorial's Python dict: {@code {'me': 0, 'gusta': 1, ...}}.
 */
public final class Vocabulary {
    private final Map<String, Integer> index = new LinkedHashMap<>();

    /** An empty vocabulary: {@code word_to_ix = {}}. */
    public Vocabulary() {
    }

    /** The vocabulary of the given words, each indexed in the order given (repeats are skipped). */
    public static Vocabulary of(String... words) {
        Vocabulary v = new Vocabulary();
        for (String w : words) {
            v.add(w);
        }
        return v;
    }

    /** The tutorial's loop: every word of every sentence, {@code if word not in word_to_ix: add it}. */
    public static Vocabulary build(List<? extends List<String>> sentences) {
        Vocabulary v = new Vocabulary();
        for (List<String> sentence : sentences) {
            for (String word : sentence) {
                v.add(word);
            }
        }
        return v;
    }

    /** Gives {@code word} the next index if it has none; returns its index. */
    public int add(String word) {
        return index.computeIfAbsent(word, w -> index.size());
    }

    /** {@code word_to_ix[word]}; an unknown word is an error naming it, as Python's KeyError would be. */
    public int indexOf(String word) {
        Integer i = index.get(word);
        if (i == null) {
            throw new UnknownWordException(word);
        }
        return i;
    }

    /** {@code word in word_to_ix}. */
    public boolean contains(String word) {
        return index.containsKey(word);
    }

    /** {@code len(word_to_ix)}. */
    public int size() {
        return index.size();
    }

    /** The words in index order. */
    public List<String> words() {
        return List.copyOf(index.keySet());
    }

    /** The word → index map, in index order (read-only). */
    public Map<String, Integer> asMap() {
        return Collections.unmodifiableMap(index);
    }

    /** {@code print(word_to_ix)}: Python's dict repr, keys as Python string literals. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, Integer> e : index.entrySet()) {
            if (!first) sb.append(", ");
            first = false;
            sb.append(PythonRepr.str(e.getKey())).append(": ").append(e.getValue());
        }
        return sb.append('}').toString();
    }
}
