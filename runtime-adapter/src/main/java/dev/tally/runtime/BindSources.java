package dev.tally.runtime;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Host paths bound into containers. A bind source is always recorded as its real path, and before
 * each start it must still be one: a directory that was swapped for a symbolic link since (to reach
 * /etc from an allowed directory, say) stops the start instead of being followed.
 */
final class BindSources {

    private BindSources() {
    }

    /**
     * Every symbolic link resolved; for a path whose end does not exist yet, the real path of its
     * deepest existing ancestor followed by the rest (with {@code ..} applied after resolving).
     */
    static String realPath(String absolutePath) {
        if (absolutePath == null || !absolutePath.startsWith("/")) {
            throw DomainException.invalid("a host path must be absolute: " + absolutePath);
        }
        Path p = Path.of(absolutePath);
        Path existing = p;
        Path rest = Path.of("");
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            rest = existing.getFileName().resolve(rest);
            existing = existing.getParent();
        }
        try {
            Path real = existing == null ? Path.of("/") : existing.toRealPath();
            if (rest.toString().isEmpty()) {
                return real.toString();
            }
            Path joined = real.resolve(rest).normalize();
            // ".." in the part that does not exist yet may climb back into existing directories
            return joined.equals(p) || joined.toString().equals(real.resolve(rest).toString())
                    ? joined.toString() : realPath(joined.toString());
        } catch (IOException e) {
            // a dangling link: resolve what it points to
            throw new DomainException(DomainException.Kind.INVALID, "cannot resolve host path " + absolutePath
                    + ": " + e.getMessage(), e);
        }
    }

    /** Refuses a bind source that is no longer its own real path. */
    static void requireUnchanged(String source) {
        String real;
        try {
            real = Path.of(source).toRealPath().toString();
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "bind source " + source + " is gone: " + e.getMessage());
        }
        if (!real.equals(source)) {
            throw new DomainException(DomainException.Kind.FAILED, "bind source " + source
                    + " now leads to " + real + " (a symbolic link replaced part of it): refusing to follow it");
        }
    }
}
