package dev.tally.runtime;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deleting a directory tree without following links, refusing while anything is mounted in it. */
final class Trees {

    private Trees() {
    }

    /**
     * A file that goes away while the tree is walked (conmon removes its attach socket as it ends)
     * is not an error: the walk is tried again, up to three times in all.
     */
    static void delete(Path dir, String what) {
        for (int attempt = 1; ; attempt++) {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            if (!Mounts.mountedBelow(dir).isEmpty()) {
                throw DomainException.conflict("remove " + what + ": something is still mounted under " + dir);
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                return;
            } catch (IOException | UncheckedIOException e) {
                Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
                if (!(cause instanceof NoSuchFileException) || attempt == 3) {
                    throw new DomainException(DomainException.Kind.FAILED, "remove " + what + ": " + e.getMessage(), e);
                }
            }
        }
    }
}
