package dlblocks.bow;

import dlblocks.tensor.Tensor;
import java.util.List;

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

    /** As the tutorial's function, but an unknown word is an error or is skipped, as asked. */
    public static Tensor makeBowVector(List<String> sentence, Vocabulary wordToIx, UnknownWords unknown) {
        float[] counts = new float[wordToIx.size()];
        for (String word : sentence) {
            if (unknown == UnknownWords.SKIP && !wordToIx.contains(word)) {
                continue;
            }
            counts[wordToIx.indexOf(word)] += 1;
        }
        return Tensor.fromFloats(counts, 1, counts.length); // vec.view(1, -1)
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
