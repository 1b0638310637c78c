package dev.tally.runtime;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/** The bytes a tree of files holds, as dockerd counts a layer's size: regular files, each once however many links it has. */
final class DiskUsage {

    private DiskUsage() {
    }

    /** The sum of the sizes of the regular files below {@code root}, links not followed; 0 when it is absent or unreadable. */
    static long bytes(Path root) {
        if (!Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        long[] total = {0};
        Set<Object> seen = new HashSet<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    Object key = attrs.fileKey();
                    if (attrs.isRegularFile() && (key == null || seen.add(key))) {
                        total[0] += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // gone meanwhile, or unreadable: counted as nothing
                }
            });
        } catch (IOException e) {
            return total[0];
        }
        return total[0];
    }
}
