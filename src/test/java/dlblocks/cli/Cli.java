package dlblocks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs {@link Main#execute} as the command line would, capturing what it prints. */
final class Cli {
    /** Exit code and everything printed to standard output and standard error. */
    record Result(int code, String out, String err) {
        /** The run failed with exit code 1 and one line on stderr, "error: …", holding every fragment. */
        void assertOneLineError(String... fragments) {
            String line = err.strip();
            assertEquals(1, code, "exit code; stderr: " + err);
            assertTrue(line.startsWith("error: "), "stderr starts with 'error: ': " + err);
            assertFalse(line.contains("\n"), "one line on stderr: " + err);
            assertFalse(line.contains("Exception") || err.contains("\tat "), "no stack trace or exception name: " + err);
            for (String f : fragments) {
                assertTrue(line.contains(f), "stderr names '" + f + "': " + err);
            }
        }

        void assertSucceeded() {
            assertEquals(0, code, "exit code; stderr: " + err + "\nstdout: " + out);
        }
    }

    private Cli() {
    }

    static synchronized Result run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.execute(args);
        } finally {
            System.out.flush();
            System.err.flush();
            System.setOut(out);
            System.setErr(err);
        }
        return new Result(code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
    }

    /** Writes a UTF-8 file. */
    static Path write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    /** A small three-language training set: a few sentences each, enough for a model to learn. */
    static final String TRAIN = String.join("\n",
            "ENGLISH\tthe cat sat on the mat",
            "ENGLISH\tit is a good day to learn",
            "ENGLISH\tthe dog and the cat are friends",
            "ENGLISH\twhat is the time now",
            "ENGLISH\tshe reads a book in the garden",
            "GERMAN\tdie Katze sitzt auf der Matte",
            "GERMAN\tes ist ein guter Tag zum Lernen",
            "GERMAN\tder Hund und die Katze sind Freunde",
            "GERMAN\twie spät ist es jetzt",
            "GERMAN\tsie liest ein Buch im Garten",
            "SPANISH\tel gato se sentó en la alfombra",
            "SPANISH\tes un buen día para aprender",
            "SPANISH\tel perro y el gato son amigos",
            "SPANISH\tqué hora es ahora",
            "SPANISH\tella lee un libro en el jardín") + "\n";

    /** Held-out sentences of the same three languages. */
    static final String DEV = String.join("\n",
            "ENGLISH\tthe book is on the mat",
            "GERMAN\tder Hund liest ein Buch",
            "SPANISH\tel gato lee un libro",
            "ENGLISH\tthe dog is a friend") + "\n";

    /** Trains a small model into {@code dir}; returns its path. */
    static Path trainSmallModel(Path dir, String name) throws IOException {
        Path train = write(dir.resolve("small-train.tsv"), TRAIN);
        Path dev = write(dir.resolve("small-dev.tsv"), DEV);
        Path model = dir.resolve(name);
        run("train", "--train", train.toString(), "--dev", dev.toString(), "--epochs", "30", "--batch-size", "4",
                "--out", model.toString()).assertSucceeded();
        return model;
    }
}
