package dlblocks.bow;

/** A word (or label) that is not in the vocabulary: the tutorial's {@code KeyError}. */
public final class UnknownWordException extends IllegalArgumentException {
    private final String word;

    public UnknownWordException(String word) {
        super("unknown word " + PythonRepr.str(word) + ": it is not in the vocabulary (the tutorial's KeyError); "
                + "skip unknown words explicitly with UnknownWords.SKIP");
        this.word = word;
    }

    public String word() {
        return word;
    }
}
