package dev.tally.ops;

import dev.tally.domain.DomainException;
import dev.tally.runtime.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The data root's {@code tmp/}: what the daemon writes before it is whole or while it streams (the
 * image store's partial blobs, layers and records, an import's or load's unpacking, a commit's
 * layer; the spools of uploads ({@code cp} into a container, {@code import}, {@code load}) and of
 * archives read out). Nothing there outlives the daemon that wrote it, so a start empties it before
 * anything is served: what a kill left of any writer goes, whatever its name.
 */
final class ScratchSpace {

    private ScratchSpace() {
    }

    /** Deletes everything under {@code tmp} (made if missing); the names deleted. */
    static List<String> clear(Path tmp) {
        try {
            Files.createDirectories(tmp);
            try (Stream<Path> left = Files.list(tmp)) {
                List<Path> entries = left.toList();
                for (Path p : entries) {
                    Trees.delete(p, "what a stopped daemon left in " + tmp);
                }
                return entries.stream().map(p -> p.getFileName().toString()).sorted().toList();
            }
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "clear " + tmp + ": " + e.getMessage(), e);
        }
    }
}
