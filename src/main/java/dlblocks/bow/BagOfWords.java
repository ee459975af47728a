package dlblocks.bow;

import dlblocks.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tutorial's input encoding. A sentence becomes its bag-of-words vector x: one entry per vocabulary
 * word, x[i] = the number of times word i occurs (so "hello world world hello" is [2, 2] for the
 * vocabulary {hello: 0, world: 1}). Word order is forgotten.
 */
public final class BagOfWords {
    private BagOfWords() {
    }

    /** {@code make_bow_vector(sentence, word_to_ix)}: a dense (1, V) float32 count vector. */
    public static Tensor makeBowVector(List<String> sentence, Vocabulary wordToIx) {
        return makeBowVector(sentence, wordToIx, UnknownWords.ERROR);
    }

    /**
     * As the tutorial's function, but an unknown word is an error or is skipped, as asked. The vector is
     * zeros except at the words of the sentence, and is built from those counts alone.
     */
    public static Tensor makeBowVector(List<String> sentence, Vocabulary wordToIx, UnknownWords unknown) {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (String word : sentence) {
            if (unknown == UnknownWords.SKIP && !wordToIx.contains(word)) {
                continue;
            }
            counts.merge(wordToIx.indexOf(word), 1, Integer::sum); // vec[word_to_ix[word]] += 1
        }
        int[] positions = new int[counts.size()];
        float[] values = new float[counts.size()];
        int k = 0;
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            positions[k] = e.getKey();
            values[k++] = e.getValue();
        }
        return Tensor.fromNonzeros(positions, values, 1, wordToIx.size()); // vec.view(1, -1)
    }

    /** {@code make_target(label, label_to_ix)}: {@code torch.LongTensor([label_to_ix[label]])}. */
    public static Tensor makeTarget(String label, Vocabulary labelToIx) {
        if (!labelToIx.contains(label)) {
            throw new IllegalArgumentException("unknown label " + PythonRepr.str(label) + ": known labels are "
                    + labelToIx.words());
        }
        return Tensor.longs(labelToIx.indexOf(label));
    }
}
