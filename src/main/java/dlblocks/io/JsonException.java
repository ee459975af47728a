package dlblocks.io;

/** Malformed JSON, with the line and column where reading stopped. */
public final class JsonException extends IllegalArgumentException {
    public JsonException(String message) {
        super(message);
    }
}
