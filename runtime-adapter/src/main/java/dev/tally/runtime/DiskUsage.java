package dev.tally.runtime;

import dev.tally.domain.DomainException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The bytes a tree of files holds, as dockerd counts a layer's size: regular files, each once however
 * many links it has. The trees counted (a container's upper directory, a volume's data) are written by
 * their users while they are counted, so the walk never goes by path below the tree's top: each entry is
 * opened from its directory's descriptor without following a link ({@link HostFd#entry}), and a
 * directory swapped for a link meanwhile is held as the link, counted as nothing, never followed.
 */
final class DiskUsage {

    /**
     * How deep the walk goes: one descriptor is open per level. A deeper tree (only a user's own
     * making) is counted down to here.
     */
    static final int MAX_DEPTH = 1024;

    private DiskUsage() {
    }

    /** The sum of the sizes of the regular files below {@code root}, links not followed; 0 when it is absent or unreadable. */
    static long bytes(Path root) {
        Path top = root.toAbsolutePath().normalize();
        if (top.getParent() == null || !Files.isDirectory(top, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        long total = 0;
        Set<List<Long>> seen = new HashSet<>();
        Deque<Level> levels = new ArrayDeque<>();
        // the top's parent is root's (the bundle, the volumes' directory): the top is taken from it without following a link
        try (HostFd parent = HostFd.trusted(top.getParent())) {
            HostFd dir = parent.entry(top.getFileName().toString());
            if (!dir.usage().isDirectory()) {
                dir.close();
                return 0;
            }
            levels.push(new Level(dir));
            while (!levels.isEmpty()) {
                Level level = levels.peek();
                if (!level.names.hasNext()) {
                    levels.pop().dir.close();
                    continue;
                }
                HostFd entry;
                try {
                    entry = level.dir.entry(level.names.next());
                } catch (DomainException gone) {
                    continue; // removed meanwhile: counted as nothing
                }
                HostFd.Usage u = entry.usage();
                if (u.isDirectory() && levels.size() < MAX_DEPTH) {
                    levels.push(new Level(entry));
                    continue;
                }
                if (u.isRegularFile() && seen.add(List.of(u.device(), u.inode()))) {
                    total += u.size();
                }
                entry.close();
            }
        } catch (DomainException e) {
            // unreadable: what was counted so far
        } finally {
            levels.forEach(l -> l.dir.close());
        }
        return total;
    }

    /** A directory being walked: its descriptor and the names still to visit. */
    private static final class Level {
        final HostFd dir;
        final Iterator<String> names;

        Level(HostFd dir) {
            this.dir = dir;
            this.names = listed(dir);
        }

        private static Iterator<String> listed(HostFd dir) {
            try {
                return dir.names().iterator();
            } catch (DomainException e) {
                return java.util.Collections.emptyIterator();
            }
        }
    }
}
