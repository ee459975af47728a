package dlblocks.io;

/** A safetensors file that cannot be read: truncated, malformed or hostile, with what is wrong. */
public final class SafetensorsException extends IllegalArgumentException {
    public SafetensorsException(String message) {
        super(message);
    }
}
