package dlblocks.bow;

/** What {@link BagOfWords#makeBowVector} does with a word the vocabulary lacks. */
public enum UnknownWords {
    /** Fail, naming the word (the tutorial's behaviour: KeyError). */
    ERROR,
    /** Leave it out of the vector. */
    SKIP
}
