package dev.tally.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.jna.LastErrorException;
import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Host paths bound into containers. A bind source is judged, and recorded, as its real path
 * (authorization resolves it once); from then on it is only ever opened without following a link,
 * so a user who swaps a directory below a bind path for a symbolic link (to reach /etc, say) gets a
 * refusal, never the link's target. What is mounted is what was opened: at each start the daemon
 * opens every recorded source ({@link HostFd}) and bind-mounts that descriptor onto
 * {@code bind-sources/<n>} in the bundle, root's alone; runc is given that path, which no user can
 * change, and the staging mounts are taken down once runc has made the container's own.
 */
final class BindSources {

    /** The file in a bundle that lists the real path of each bind, in the spec's order. */
    static final String LIST = "binds";
    private static final String STAGING = "bind-sources";

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
        requireOneLine(absolutePath);
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

    /**
     * Makes sure the recorded source is there: each missing directory is made relative to its held
     * parent (owned like that parent), and no component may be a symbolic link. INVALID otherwise
     * (the request named a path that cannot be bound), naming the path.
     */
    static void prepare(String realPath) {
        requireOneLine(realPath);
        List<String> names = HostFd.components(realPath);
        HostFd at = HostFd.open("/");
        try {
            for (int i = 0; i < names.size(); i++) {
                HostFd parent = at;
                try {
                    at = existing(parent, names.get(i));
                    if (at == null) {
                        at = parent.directory(names.get(i), 0755);
                    } else if (at.stat().isSymbolicLink() || (i < names.size() - 1 && !at.stat().isDirectory())) {
                        throw new DomainException(DomainException.Kind.INVALID, "bind source " + realPath + ": "
                                + at.path() + (at.stat().isSymbolicLink()
                                ? " is a symbolic link now: refusing to follow it" : " is not a directory"));
                    }
                } finally {
                    parent.close();
                }
            }
        } catch (HostFd.Refused e) {
            throw new DomainException(DomainException.Kind.INVALID, "bind source " + realPath + ": " + e.getMessage(), e);
        } finally {
            at.close();
        }
    }

    /**
     * The list of sources is one per line, so a source must be one line: a line break would make
     * one source two, and shift which recorded path each staging path gets. INVALID otherwise.
     */
    private static void requireOneLine(String path) {
        if (path.indexOf('\n') >= 0 || path.indexOf('\r') >= 0 || path.indexOf('\0') >= 0) {
            throw DomainException.invalid("a host path with a line break or a NUL is not supported: "
                    + path.replace("\n", "\\n").replace("\r", "\\r").replace("\0", "\\0"));
        }
    }

    private static HostFd existing(HostFd dir, String name) {
        try {
            return dir.entry(name);
        } catch (HostFd.Refused e) {
            if (e.errno == Libc.ENOENT) {
                return null;
            }
            throw e;
        }
    }

    /** The path runc mounts for the bind recorded at {@code index} of the bundle's list. */
    static Path staging(Path bundle, int index) {
        return bundle.resolve(STAGING).resolve(Integer.toString(index));
    }

    /**
     * Opens each recorded source (no link followed: INVALID naming it if one is in the way, or if it
     * is gone; FAILED if the mount itself fails) and bind-mounts what was opened onto its staging path, private, so that the
     * container's copy is its own. Whatever an earlier start left staged is taken down first.
     */
    static void stage(Path bundle) throws IOException {
        unstage(bundle);
        Path list = bundle.resolve(LIST);
        if (!Files.exists(list, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<String> sources = Files.readAllLines(list);
        Path dir = bundle.resolve(STAGING);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        for (int i = 0; i < sources.size(); i++) {
            String source = sources.get(i);
            Path target = staging(bundle, i);
            try (HostFd held = HostFd.open(source)) {
                boolean directory = held.stat().isDirectory();
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                        && Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS) != directory) {
                    Files.delete(target);
                }
                if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    if (directory) {
                        Files.createDirectory(target);
                    } else {
                        Files.createFile(target);
                    }
                }
                Libc.mount(held.procPath(), target.toString(), null, Libc.MS_BIND | Libc.MS_REC, null);
                Libc.mount(null, target.toString(), null, Libc.MS_PRIVATE | Libc.MS_REC, null);
            } catch (HostFd.Refused e) {
                String why = e.errno == Libc.ENOENT ? " is gone" : ": " + e.getMessage();
                throw new DomainException(DomainException.Kind.INVALID, "bind source " + source + why, e);
            } catch (LastErrorException e) {
                throw new DomainException(DomainException.Kind.FAILED, "bind-mount " + source + " on " + target + ": "
                        + Libc.errnoName(e.getErrorCode()));
            }
        }
    }

    /** Takes the staging mounts down (runc's own stay in the container). Idempotent. */
    static void unstage(Path bundle) {
        Mounts.unmountAllBelow(bundle.resolve(STAGING));
    }

    /** What a daemon that died during a start left staged, in any bundle: taken down. */
    static void unstageAll(Path containers) {
        for (String point : Mounts.mountedBelow(containers)) {
            Path p = Path.of(point);
            if (p.getParent() != null && p.getParent().getFileName().toString().equals(STAGING)) {
                Mounts.unmountAllBelow(p);
            }
        }
    }

    /**
     * A bundle written before staging names its bind sources in {@code config.json} directly: points
     * them at their staging paths. Returns whether anything changed.
     */
    static boolean pointAtStaging(Path bundle, JsonNode spec) throws IOException {
        Path list = bundle.resolve(LIST);
        if (!Files.exists(list, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        List<String> sources = Files.readAllLines(list);
        boolean changed = false;
        for (JsonNode m : spec.path("mounts")) {
            int index = sources.indexOf(m.path("source").asText());
            if (m.path("type").asText().equals("bind") && index >= 0) {
                ((ObjectNode) m).put("source", staging(bundle, index).toString());
                changed = true;
            }
        }
        return changed;
    }
}
