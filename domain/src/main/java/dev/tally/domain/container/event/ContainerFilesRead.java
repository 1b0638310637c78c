package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Annotations;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.Outcome;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Someone read files of the container, recorded before the first byte left the daemon: {@code what}
 * is {@code archive} ({@code docker cp} from it, {@code GET /containers/{id}/archive}: a tar of
 * {@code path} of {@code size} bytes with SHA-256 {@code digest}), {@code stat} ({@code HEAD} of the
 * same: the path's type, size, mode and time; {@code size} is the path's, no digest) or {@code export}
 * (the whole root filesystem, {@code path} {@code /}).
 */
public record ContainerFilesRead(String containerId, String what, String path, long size, String digest, Actor actor,
                                 Instant at) implements ContainerEvent {

    public static final String ARCHIVE = "archive";
    public static final String STAT = "stat";
    public static final String EXPORT = "export";

    public ContainerFilesRead {
        digest = digest == null ? "" : digest;
    }

    /** {@code container.archive} for a path (tar or stat), {@code container.export} for the whole root: the actions of their refusals. */
    @Override
    public String auditVerb() {
        return EXPORT.equals(what) ? "export" : "archive";
    }

    @Override
    public Outcome outcome() {
        return Outcome.success(200);
    }

    @Override
    public Map<String, Object> annotations() {
        return digest.isEmpty() ? Annotations.of("read", what, "path", path, "size", Long.toString(size))
                : Annotations.of("read", what, "path", path, "size", Long.toString(size), "digest", digest);
    }

    /** dockerd's {@code archive-path} for a tar of a path and {@code export} for the whole; nothing for a stat, as dockerd. */
    @Override
    public Optional<DockerMessage> dockerMessage() {
        return switch (what) {
            case ARCHIVE -> Optional.of(DockerMessage.container(containerId, "archive-path", "path", path));
            case EXPORT -> Optional.of(DockerMessage.container(containerId, "export"));
            default -> Optional.empty();
        };
    }
}
