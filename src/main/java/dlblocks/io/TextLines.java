package dlblocks.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of a UTF-8 text file, each decoded on its own so that bad bytes can be reported by line
 * number. Lines end at {@code \n}; a {@code \r} before it is dropped; a final line without {@code \n}
 * counts. A leading UTF-8 byte order mark is skipped, and a file with {@code \r} but no {@code \n} has its
 * lines end at {@code \r}.
 */
public final class TextLines {
    /** Line {@code number} (from 1), or {@code text == null} when its bytes are not valid UTF-8. */
    public record Line(int number, String text) {
    }

    private TextLines() {
    }

    /** The bytes of a file to read; a folder given where a file is expected is an error naming it. */
    public static byte[] readFile(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new FileSystemException(file.toString(), null, "is a folder, not a file");
        }
        return Files.readAllBytes(file);
    }

    public static List<Line> split(byte[] bytes) {
        List<Line> lines = new ArrayList<>();
        // A UTF-8 byte order mark (as Windows editors write) is not part of the first label or text.
        int start = bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB
                && (bytes[2] & 0xff) == 0xBF ? 3 : 0;
        int number = 0;
        boolean lineFeeds = false;
        for (byte b : bytes) lineFeeds |= b == '\n';
        // A file with carriage returns but no line feed at all is old Mac style: \r ends its lines.
        byte end = lineFeeds ? (byte) '\n' : (byte) '\r';
        while (start < bytes.length) {
            int stop = start;
            while (stop < bytes.length && bytes[stop] != end) stop++;
            int textEnd = lineFeeds && stop > start && bytes[stop - 1] == '\r' ? stop - 1 : stop;
            lines.add(new Line(++number, decode(bytes, start, textEnd)));
            start = stop + 1;
        }
        return lines;
    }

    /** Strict UTF-8 decoding; null when the bytes are not UTF-8. */
    private static String decode(byte[] bytes, int start, int end) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, start, end - start)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
