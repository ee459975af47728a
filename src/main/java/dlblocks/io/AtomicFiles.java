package dlblocks.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Writing files so that nothing a user saved is ever lost or left half-written. */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /**
     * A temporary file is created readable by its owner only; the saved file should have the permissions
     * an ordinary new file gets (rw-r--r--), or those of the file it replaces.
     */
    private static void keepUsualPermissions(Path temp, Path target) throws IOException {
        if (!Files.getFileStore(temp).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return;
        }
        Set<PosixFilePermission> permissions = Files.exists(target)
                ? Files.getPosixFilePermissions(target)
                : PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(temp, permissions);
    }

    /**
     * Fails, with a message that names the problem, when {@link #write} could not write {@code file}: it
     * is a directory or another non-regular file (a device, a pipe: never replaced, even when
     * {@code overwrite}), it exists and {@code overwrite} is false, or its folder is a file or cannot be
     * written. A command checks this before long work, so that the work is not lost at the end.
     */
    public static void checkWritable(Path file, boolean overwrite) throws IOException {
        Path target = file.toAbsolutePath();
        if (Files.isDirectory(target)) {
            throw new FileSystemException(target.toString(), null, "is a directory; give a file name");
        }
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            throw new FileSystemException(target.toString(), null, "is not a regular file; refusing to replace it");
        }
        if (!overwrite && Files.exists(target)) {
            throw alreadyExists(target);
        }
        Path folder = target.getParent();
        while (folder != null && !Files.exists(folder)) {
            folder = folder.getParent(); // the nearest existing folder: the rest is created on writing
        }
        if (folder != null && !Files.isDirectory(folder)) {
            throw new FileSystemException(target.toString(), null, "cannot be written: " + folder + " is not a folder");
        }
        if (folder != null && !Files.isWritable(folder)) {
            throw new AccessDeniedException(target.toString(), null, "the folder " + folder + " is not writable");
        }
    }

    /**
     * Writes {@code bytes} to {@code file} atomically: into a temporary file beside it, forced to disk,
     * then renamed over it in one step, so a reader sees the old file or the new one, never a mixture.
     * An existing file is replaced only when {@code overwrite}; otherwise nothing is written — even when
     * another process creates the file while this one writes (the new name is then linked in one step that
     * fails if the name exists, rather than renamed over it).
     */
    public static void write(Path file, byte[] bytes, boolean overwrite) throws IOException {
        Path target = file.toAbsolutePath();
        checkWritable(target, overwrite);
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            keepUsualPermissions(temp, target);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            if (overwrite) {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                linkWithoutReplacing(temp, target);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Gives the finished temporary file the target's name only if that name is free: link(2) fails when
     * it exists, atomically (a rename would silently replace a file created meanwhile). Where the file
     * system has no hard links, a move without REPLACE_EXISTING is the next best thing.
     */
    private static void linkWithoutReplacing(Path temp, Path target) throws IOException {
        try {
            Files.createLink(target, temp);
        } catch (FileAlreadyExistsException e) {
            throw alreadyExists(target);
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (Files.exists(target)) {
                throw alreadyExists(target);
            }
            Files.move(temp, target);
        }
    }

    private static FileAlreadyExistsException alreadyExists(Path target) {
        return new FileAlreadyExistsException(target.toString(), null, "already exists; refusing to overwrite it (use --force)");
    }
}
