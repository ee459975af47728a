package dlblocks.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dlblocks.spec.Spec;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AtomicFiles#write}: a saved file is the old one or the new one, never lost, half-written or litter. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @Spec("ATOMIC-WRITE-NEVER-LOSES-A-FILE")
    void writesTheBytesAndLeavesNoTemporaryFile() {
        qt().withExamples(50).forAll(longs().all(), integers().between(0, 70_000)).checkAssert((seed, length) -> {
            byte[] content = new byte[length];
            new Random(seed).nextBytes(content);
            Path file = dir.resolve("model-" + seed + ".safetensors");
            try {
                AtomicFiles.write(file, content, false);
                assertArrayEquals(content, Files.readAllBytes(file));
                assertEquals(List.of(file.getFileName().toString()), names());
                Files.delete(file);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    @Spec("ATOMIC-WRITE-NEVER-LOSES-A-FILE")
    void aFolderOrASocketIsNeverReplacedEvenWithOverwrite() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("models"));
        FileSystemException e = assertThrows(FileSystemException.class,
                () -> AtomicFiles.write(folder, bytes("new"), true));
        assertEquals(folder + ": is a directory; give a file name", e.getMessage());
        assertTrue(Files.isDirectory(folder));
        Path socket = dir.resolve("s.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            FileSystemException special = assertThrows(FileSystemException.class,
                    () -> AtomicFiles.write(socket, bytes("new"), true));
            assertEquals(socket + ": is not a regular file; refusing to replace it", special.getMessage());
            assertTrue(Files.exists(socket) && !Files.isRegularFile(socket), "the socket is still there");
        }
    }

    @Test
    @Spec("ATOMIC-WRITE-NEVER-LOSES-A-FILE")
    void aFileWhereTheFolderShouldBeIsNamed() throws IOException {
        Path data = Files.writeString(dir.resolve("t.tsv"), "EN\tdata\n");
        Path target = data.resolve("m.safetensors");
        FileSystemException e = assertThrows(FileSystemException.class, () -> AtomicFiles.write(target, bytes("x"), true));
        assertEquals(target + ": cannot be written: " + data + " is not a folder", e.getMessage());
        assertEquals("EN\tdata\n", Files.readString(data));
    }

    @Test
    @Spec("ATOMIC-WRITE-NEVER-LOSES-A-FILE")
    void ofTwoWritersRacingForANewNameWithoutOverwriteExactlyOneWins() throws Exception {
        // Both see the name free; a rename would let the second silently replace the first's file.
        for (int round = 0; round < 100; round++) {
            Path file = dir.resolve("race" + round + ".bin");
            CyclicBarrier start = new CyclicBarrier(2);
            AtomicInteger wins = new AtomicInteger();
            AtomicReference<String> winner = new AtomicReference<>();
            Thread[] writers = new Thread[2];
            for (int w = 0; w < 2; w++) {
                String content = "writer " + w;
                writers[w] = new Thread(() -> {
                    try {
                        start.await();
                        AtomicFiles.write(file, bytes(content), false);
                        wins.incrementAndGet();
                        winner.set(content);
                    } catch (FileAlreadyExistsException lost) {
                        // the other writer had the name first
                    } catch (Exception other) {
                        throw new AssertionError(other);
                    }
                });
                writers[w].start();
            }
            for (Thread t : writers) t.join();
            assertEquals(1, wins.get(), "round " + round);
            assertEquals(winner.get(), Files.readString(file), "the file is the winner's, round " + round);
        }
        assertEquals(100, names().size(), "no temporary file is left");
    }

    @Test
    @Spec("ATOMIC-WRITE-NEVER-LOSES-A-FILE")
    void refusesToOverwriteWithoutTheFlagAndKeepsTheOldFile() throws IOException {
        Path file = dir.resolve("m.safetensors");
        AtomicFiles.write(file, bytes("old"), false);
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> AtomicFiles.write(file, bytes("new"), false));
        assertTrue(e.getMessage().contains("already exists; refusing to overwrite it (use --force)"), e.getMessage());
        assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
        assertArrayEquals(bytes("old"), Files.readAllBytes(file));
        assertEquals(List.of("m.safetensors"), names());
    }

    @Test
    @Spec("ATOMIC-WRITE-NEVER-LOSES-A-FILE")
    void replacesAnExistingFileWithTheFlag() throws IOException {
        Path file = dir.resolve("m.safetensors");
        AtomicFiles.write(file, bytes("a longer old content"), false);
        AtomicFiles.write(file, bytes("new"), true);
        assertArrayEquals(bytes("new"), Files.readAllBytes(file));
        assertEquals(List.of("m.safetensors"), names());
    }

    @Test
    @Spec("ATOMIC-WRITE-NEVER-LOSES-A-FILE")
    void createsMissingDirectoriesAndAcceptsARelativePath() throws IOException {
        Path file = dir.resolve("a/b/m.safetensors");
        AtomicFiles.write(file, bytes("x"), false);
        assertArrayEquals(bytes("x"), Files.readAllBytes(file));
        Path relative = Path.of("").toAbsolutePath().relativize(dir.resolve("r.bin"));
        AtomicFiles.write(relative, bytes("y"), false);
        assertArrayEquals(bytes("y"), Files.readAllBytes(dir.resolve("r.bin")));
    }

    @Test
    @Spec("ATOMIC-WRITE-NEVER-LOSES-A-FILE")
    void aFailedReplaceKeepsWhatWasThereAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("busy");
        Files.createDirectory(target);
        Files.write(target.resolve("inside"), bytes("keep"));
        // The final rename cannot replace a non-empty directory: the write fails after the temporary file exists.
        assertThrows(IOException.class, () -> AtomicFiles.write(target, bytes("new"), true));
        assertEquals(List.of("busy"), names());
        assertArrayEquals(bytes("keep"), Files.readAllBytes(target.resolve("inside")));
        // A directory that cannot be created is an error, and nothing is written.
        Path blocked = dir.resolve("file-not-dir");
        Files.write(blocked, bytes("plain"));
        assertThrows(IOException.class, () -> AtomicFiles.write(blocked.resolve("m.safetensors"), bytes("x"), false));
        assertArrayEquals(bytes("plain"), Files.readAllBytes(blocked));
        assertEquals(List.of("busy", "file-not-dir"), names());
    }

    @Test
    @Spec("ATOMIC-WRITE-NEVER-LOSES-A-FILE")
    void aNewFileIsReadableByAllAndAReplacedFileKeepsItsPermissions() throws IOException {
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class), "POSIX file system");
        Path file = dir.resolve("m.safetensors");
        AtomicFiles.write(file, bytes("a"), false);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        AtomicFiles.write(file, bytes("b"), true);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertArrayEquals(bytes("b"), Files.readAllBytes(file));
    }

    /** A reader racing the writer only ever sees the whole old file or the whole new one. */
    @Test
    @Spec("ATOMIC-WRITE-NEVER-LOSES-A-FILE")
    void aConcurrentReaderSeesTheOldFileOrTheNewOneNeverAMixture() throws Exception {
        Path file = dir.resolve("m.safetensors");
        byte[] a = new byte[100_000];
        byte[] b = new byte[60_000];
        Arrays.fill(a, (byte) 'a');
        Arrays.fill(b, (byte) 'b');
        AtomicFiles.write(file, a, false);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> seen = new AtomicReference<>();
        int[] reads = {0};
        Thread reader = new Thread(() -> {
            while (!done.get() && seen.get() == null) {
                try {
                    byte[] got = Files.readAllBytes(file);
                    reads[0]++;
                    if (!Arrays.equals(got, a) && !Arrays.equals(got, b)) {
                        seen.set("read " + got.length + " bytes that are neither version");
                    }
                } catch (IOException e) {
                    seen.set("the file was missing or unreadable: " + e);
                }
            }
        });
        reader.start();
        for (int i = 0; i < 60 && seen.get() == null; i++) {
            AtomicFiles.write(file, i % 2 == 0 ? b : a, true);
        }
        done.set(true);
        reader.join();
        assertEquals(null, seen.get());
        assertTrue(reads[0] > 0, "the reader never ran");
        assertEquals(List.of("m.safetensors"), names());
    }
}
