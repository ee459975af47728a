package dlblocks.bow;

import dlblocks.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Bag-of-words rows stored sparsely: for each row only the vocabulary ids that occur, in ascending order,
 * with their counts (compressed sparse rows). Row r is the tutorial's BoW vector with
 * {@code x[ids[k]] = counts[k]} for k in [rowStart[r], rowStart[r+1]) and zeros elsewhere;
 * {@link #toDense} builds exactly that matrix.
 */
public final class SparseBatch {
    private final int vocabSize;
    private final int[] rowStart;
    private final int[] ids;
    private final float[] counts;
    private final int unknownWords;

    private SparseBatch(int vocabSize, int[] rowStart, int[] ids, float[] counts, int unknownWords) {
        this.vocabSize = vocabSize;
        this.rowStart = rowStart;
        this.ids = ids;
        this.counts = counts;
        this.unknownWords = unknownWords;
    }

    /** One row per sentence; unknown words are an error or skipped (and counted), as asked. */
    public static SparseBatch of(List<? extends List<String>> sentences, Vocabulary vocabulary, UnknownWords unknown) {
        int[] rowStart = new int[sentences.size() + 1];
        int[] ids = new int[16];
        float[] counts = new float[16];
        int nnz = 0;
        int skipped = 0;
        for (int r = 0; r < sentences.size(); r++) {
            // the row's word ids, sorted, then runs of equal ids become one entry with their count
            List<String> sentence = sentences.get(r);
            int[] row = new int[sentence.size()];
            int length = 0;
            for (String word : sentence) {
                if (unknown == UnknownWords.SKIP && !vocabulary.contains(word)) {
                    skipped++;
                    continue;
                }
                row[length++] = vocabulary.indexOf(word);
            }
            Arrays.sort(row, 0, length);
            if (nnz + length > ids.length) {
                int capacity = Math.max(2 * ids.length, nnz + length);
                ids = Arrays.copyOf(ids, capacity);
                counts = Arrays.copyOf(counts, capacity);
            }
            for (int i = 0; i < length; i++) {
                if (i > 0 && row[i] == row[i - 1]) {
                    counts[nnz - 1] += 1;
                } else {
                    ids[nnz] = row[i];
                    counts[nnz++] = 1;
                }
            }
            rowStart[r + 1] = nnz;
        }
        return new SparseBatch(vocabulary.size(), rowStart, Arrays.copyOf(ids, nnz), Arrays.copyOf(counts, nnz), skipped);
    }

    public int rows() {
        return rowStart.length - 1;
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** Words left out because the vocabulary lacked them (with {@link UnknownWords#SKIP}). */
    public int unknownWords() {
        return unknownWords;
    }

    /** Where row r's entries begin in {@link #id}/{@link #count}. */
    public int rowStart(int r) {
        return rowStart[r];
    }

    /** Where row r's entries end (exclusive). */
    public int rowEnd(int r) {
        return rowStart[r + 1];
    }

    /** The vocabulary id of entry k. */
    public int id(int k) {
        return ids[k];
    }

    /** The count of entry k. */
    public float count(int k) {
        return counts[k];
    }

    /** The dense (n, V) float32 matrix of the given rows, in that order: the tutorial's vectors stacked. */
    public Tensor toDense(int[] rows) {
        float[] dense = new float[rows.length * vocabSize];
        for (int i = 0; i < rows.length; i++) {
            for (int k = rowStart[rows[i]]; k < rowStart[rows[i] + 1]; k++) {
                dense[i * vocabSize + ids[k]] = counts[k];
            }
        }
        return Tensor.fromFloats(dense, rows.length, vocabSize);
    }

    /** The dense matrix of all rows. */
    public Tensor toDense() {
        int[] all = new int[rows()];
        Arrays.setAll(all, i -> i);
        return toDense(all);
    }
}
