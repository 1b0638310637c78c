package dev.tally.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The seccomp profile every container runs under unless an admin asked for it unconfined: a file in
 * Docker's format, by default Debian's {@code /usr/share/containers/seccomp.json} (package
 * {@code golang-github-containers-common}), read when a container starts. The parsed profile is kept
 * while the file's size, modification time and inode stay the same; a changed file is read again at
 * the next start. Thread-safe.
 */
final class DefaultSeccomp {

    /** Where Debian's package puts the profile (tallyd's {@code --seccomp-profile} by default). */
    static final Path DEBIAN_PROFILE = Path.of("/usr/share/containers/seccomp.json");

    private record Loaded(Object fileKey, long size, long modified, SeccompProfile profile,
                          ConcurrentHashMap<Set<String>, JsonNode> byCaps) {
    }

    private final Path file;
    private final SeccompProfile.Arch arch;
    private final SeccompProfile.Kernel kernel;
    private final ObjectMapper json = new ObjectMapper();
    private volatile Loaded loaded;

    DefaultSeccomp(Path file) {
        this(file, SeccompProfile.Arch.host(), hostKernel());
    }

    DefaultSeccomp(Path file, SeccompProfile.Arch arch, SeccompProfile.Kernel kernel) {
        this.file = file;
        this.arch = arch;
        this.kernel = kernel;
    }

    Path file() {
        return file;
    }

    /**
     * The OCI {@code linux.seccomp} (the same tree for the same profile and capabilities: not to be
     * changed) for a container with these bounding capabilities. FAILED, naming
     * the file and what is wrong with it, when the profile is missing, unreadable or not a profile:
     * a container is then not started, never started unconfined.
     */
    JsonNode forContainer(Collection<String> caps) {
        Loaded profile = current();
        return profile.byCaps().computeIfAbsent(Set.copyOf(caps),
                c -> asRead(profile.profile().forContainer(c, arch, kernel)));
    }

    /** The tree as it reads back from a config.json, so that an unchanged profile compares equal. */
    private JsonNode asRead(Object value) {
        try {
            return json.readTree(json.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "write the seccomp profile " + file + " as JSON", e);
        }
    }

    private Loaded current() {
        try {
            BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
            Loaded was = loaded;
            if (was != null && Objects.equals(was.fileKey(), now.fileKey()) && was.size() == now.size()
                    && was.modified() == now.lastModifiedTime().to(TimeUnit.NANOSECONDS)) {
                return was;
            }
            SeccompProfile profile = SeccompProfile.parse(json.readTree(Files.readAllBytes(file)));
            Loaded read = new Loaded(now.fileKey(), now.size(), now.lastModifiedTime().to(TimeUnit.NANOSECONDS), profile,
                    new ConcurrentHashMap<>());
            loaded = read;
            return read;
        } catch (IOException | IllegalArgumentException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage();
            throw new DomainException(DomainException.Kind.FAILED, "cannot load the seccomp profile " + file + " ("
                    + why + "): tally runs no container without it; install golang-github-containers-common"
                    + " or start tallyd with --seccomp-profile FILE (an admin may still ask for"
                    + " --security-opt seccomp=unconfined)", e);
        }
    }

    private static SeccompProfile.Kernel hostKernel() {
        try {
            return SeccompProfile.Kernel.parse(Files.readString(Path.of("/proc/sys/kernel/osrelease")));
        } catch (IOException | IllegalArgumentException e) {
            return SeccompProfile.Kernel.parse(System.getProperty("os.version"));
        }
    }
}
