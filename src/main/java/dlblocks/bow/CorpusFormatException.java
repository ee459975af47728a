package dlblocks.bow;

/** A line of a labelled-text file that cannot be read, named by file and line. */
public final class CorpusFormatException extends IllegalArgumentException {
    public CorpusFormatException(String message) {
        super(message);
    }
}
