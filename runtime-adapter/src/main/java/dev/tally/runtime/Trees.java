package dev.tally.runtime;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deleting a directory tree without following links, refusing while anything is mounted in it. */
final class Trees {

    private Trees() {
    }

    static void delete(Path dir, String what) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Mounts.mountedBelow(dir).isEmpty()) {
            throw DomainException.conflict("remove " + what + ": something is still mounted under " + dir);
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "remove " + what + ": " + e.getMessage(), e);
        }
    }
}
