package dev.tally.domain.container.event;

import dev.tally.domain.Actor;
import dev.tally.domain.event.Annotations;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.Outcome;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Someone copied files into the container ({@code docker cp} to it, {@code PUT /containers/{id}/archive}):
 * the tar of {@code size} bytes with SHA-256 {@code digest} ({@code sha256:…}), unpacked at {@code path}
 * (the directory as asked). Recorded after the archive was checked and before it is unpacked; a host
 * that then fails records a {@link ContainerFilesCopyFailed}.
 */
public record ContainerFilesCopied(String containerId, String path, long size, String digest, Actor actor, Instant at)
        implements ContainerEvent {

    @Override
    public String auditVerb() {
        return "copy_in";
    }

    @Override
    public Outcome outcome() {
        return Outcome.requested();
    }

    @Override
    public Map<String, Object> annotations() {
        return Annotations.of("path", path, "size", Long.toString(size), "digest", digest);
    }

    /** dockerd's {@code extract-to-dir}. */
    @Override
    public Optional<DockerMessage> dockerMessage() {
        return Optional.of(DockerMessage.container(containerId, "extract-to-dir", "path", path));
    }
}
