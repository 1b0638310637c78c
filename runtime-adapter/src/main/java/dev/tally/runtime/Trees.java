package dev.tally.runtime;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Deleting a directory tree without following links, refusing while anything is mounted in it.
 * The trees deleted hold what users wrote (a remapped container's upper directory, which its owner
 * can write at any time from their subordinate range; a volume's data), so every step is relative
 * to a directory held open ({@link SecureDirectoryStream}: {@code openat} with {@code O_NOFOLLOW},
 * {@code unlinkat}, {@code renameat}), never by a path: an entry swapped for a symbolic link
 * mid-walk is removed as the link it now is, and what it points to is never reached.
 */
public final class Trees {

    /** How often one entry may change under the walk (a file gone, a directory swapped) before giving up. */
    private static final int ATTEMPTS = 5;
    /**
     * Directories deeper than this are moved up to the top of the tree to be removed from there, so
     * that a tree nested any depth is removed with at most this many descriptors open.
     */
    static final int MAX_DEPTH = 64;

    private final SecureDirectoryStream<Path>[] held;
    private final Consumer<Path> beforeEach;
    private long movedUp;

    @SuppressWarnings("unchecked")
    private Trees(Consumer<Path> beforeEach) {
        this.held = new SecureDirectoryStream[MAX_DEPTH + 1];
        this.beforeEach = beforeEach;
    }

    /**
     * Removes {@code dir} and everything below it; gone already is done. An entry that goes away
     * or changes kind while the tree is walked (conmon removes its attach socket as it ends; a user
     * swaps a directory for a link) is looked at again, up to {@value #ATTEMPTS} times.
     */
    public static void delete(Path dir, String what) {
        delete(dir, what, p -> { });
    }

    /** As {@link #delete(Path, String)}, telling {@code beforeEach} each path about to be removed (for tests). */
    static void delete(Path dir, String what, Consumer<Path> beforeEach) {
        Path absolute = dir.toAbsolutePath().normalize();
        if (!Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Mounts.mountedBelow(absolute).isEmpty()) {
            throw DomainException.conflict("remove " + what + ": something is still mounted under " + dir);
        }
        try (DirectoryStream<Path> parent = Files.newDirectoryStream(absolute.getParent())) {
            if (!(parent instanceof SecureDirectoryStream<Path> secure)) {
                throw new DomainException(DomainException.Kind.FAILED, "remove " + what
                        + ": this platform cannot walk a directory by descriptor");
            }
            new Trees(beforeEach).remove(secure, absolute.getFileName(), absolute, 0);
        } catch (NoSuchFileException gone) {
            // removed meanwhile, with its parent
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "remove " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes the entry {@code name} of the held directory {@code in}, which is at {@code depth}
     * below the top's parent; {@code shown} is its path, for messages.
     */
    private void remove(SecureDirectoryStream<Path> in, Path name, Path shown, int depth) throws IOException {
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            beforeEach.accept(shown);
            boolean directory;
            try {
                directory = in.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .readAttributes().isDirectory();
            } catch (NoSuchFileException gone) {
                return;
            }
            try {
                if (directory) {
                    long moved = movedUp;
                    emptyDirectory(in, name, shown, depth + 1);
                    if (depth == 0 && movedUp != moved) {
                        attempt = 0; // what was moved up is there now: list the top again
                        continue;
                    }
                    in.deleteDirectory(name);
                } else {
                    in.deleteFile(name);
                }
                return;
            } catch (NoSuchFileException gone) {
                return;
            } catch (FileSystemException changed) {
                // ELOOP or ENOTDIR: the directory is a link or a file now; EISDIR: the reverse;
                // ENOTEMPTY: written to meanwhile. Look again: nothing was followed.
                last = changed;
            }
        }
        throw new IOException(shown + " kept changing while it was removed: " + last.getMessage(), last);
    }

    private void emptyDirectory(SecureDirectoryStream<Path> in, Path name, Path shown, int depth) throws IOException {
        try (SecureDirectoryStream<Path> dir = in.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
            held[depth] = dir;
            List<Path> names = new ArrayList<>();
            try {
                for (Path entry : dir) {
                    names.add(entry.getFileName());
                }
            } catch (DirectoryIteratorException e) {
                throw e.getCause();
            }
            for (Path child : names) {
                if (depth == MAX_DEPTH) {
                    // renameat: the entry (a link stays a link) goes to the top, to be removed from there
                    try {
                        dir.move(child, held[1], Path.of(".tally-removing-" + ++movedUp));
                    } catch (NoSuchFileException gone) {
                        // removed meanwhile
                    }
                } else {
                    remove(dir, child, shown.resolve(child), depth);
                }
            }
        } finally {
            held[depth] = null;
        }
    }
}
