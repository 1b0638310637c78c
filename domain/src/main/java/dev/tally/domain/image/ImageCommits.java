package dev.tally.domain.image;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.KeyedLocks;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.ContainerFiles;
import dev.tally.domain.container.VisibleContainers;
import dev.tally.domain.container.query.ContainerView;
import dev.tally.domain.image.ContainerSnapshots.CommitConfig;
import dev.tally.domain.image.ContainerSnapshots.Snapshot;
import dev.tally.domain.image.command.RecordCommit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * {@code docker commit}: a container's changes become one layer on the image it runs, and an image of
 * it. Whoever may see the container may commit it (others are told it does not exist, recorded); the
 * name asked for is decided by {@link ImageService#checkMove} before any work and moved by
 * {@link ImageService#moveReference} ({@code commit}) after the image is recorded
 * ({@code ImageCommitted}: the committer holds the image). The files are read under the container's
 * lock (no start, exit or removal moves them meanwhile), not frozen: Docker's {@code pause} is taken
 * as {@code false} (a daemon that died mid-commit must not leave a container frozen that the log
 * does not show paused).
 */
public class ImageCommits {

    private final CommandGateway commands;
    private final ContainerFiles files;
    private final ContainerSnapshots snapshots;
    private final VisibleContainers containers;
    private final ImageService images;
    private final KeyedLocks containerLocks;

    public ImageCommits(CommandGateway commands, ContainerFiles files, ContainerSnapshots snapshots,
                        VisibleContainers containers, ImageService images, KeyedLocks containerLocks) {
        this.commands = commands;
        this.files = files;
        this.snapshots = snapshots;
        this.containers = containers;
        this.images = images;
        this.containerLocks = containerLocks;
    }

    /**
     * What a commit asks: the container, the name (a {@code repo} with an optional {@code tag}; no repo:
     * no name), dockerd's {@code comment} and {@code author}, and the config {@code changes} to apply
     * over the container's (already parsed: the edge refuses what tally does not apply).
     */
    public record Request(String container, String repo, String tag, String comment, String author, Changes changes) {
        public Request {
            repo = repo == null ? "" : repo;
            tag = tag == null ? "" : tag;
            container = container == null ? "" : container;
            comment = comment == null ? "" : comment;
            author = author == null ? "" : author;
            changes = changes == null ? Changes.NONE : changes;
        }
    }

    /** Config changes ({@code --change}): each non-empty field replaces the container's; env and labels add by name. */
    public record Changes(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user,
                          Map<String, String> labels) {
        public static final Changes NONE = new Changes(List.of(), List.of(), List.of(), "", "", Map.of());

        public Changes {
            entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
            cmd = cmd == null ? List.of() : List.copyOf(cmd);
            env = env == null ? List.of() : List.copyOf(env);
            workingDir = workingDir == null ? "" : workingDir;
            user = user == null ? "" : user;
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }

    /**
     * Commits; returns the new image's id. NOT_FOUND for a container the caller may not see; the
     * refusals of {@link ImageService#checkMove} (recorded) for the name, before anything is written;
     * the store's errors (nothing recorded then).
     */
    public String commit(Request request, Actor actor) {
        if (request.container().isBlank()) {
            throw DomainException.invalid("commit: the container to commit is missing (container=)");
        }
        ContainerView c = containers.require(request.container(), actor, "container.commit");
        String reference = request.repo().isEmpty() ? ""
                : images.checkMove(request.tag().isEmpty() ? request.repo() : request.repo() + ":" + request.tag(),
                        actor, "image.commit");
        CommitConfig config = config(c, request);
        Snapshot made = containerLocks.exclusively(c.id(), () -> snapshots.commit(c.imageId(),
                out -> files.layer(c.id(), out), config));
        commands.sendAndWait(new RecordCommit(made.imageId(), c.id(), c.imageId(), made.layerDigest(),
                made.manifestDigest(), made.layers(), made.size(), reference, request.comment(), actor));
        if (!reference.isEmpty()) {
            images.moveReference(reference, made.imageId(), "commit", actor);
        }
        return made.imageId();
    }

    /** The container's own settings with the changes over them, as the new image's config takes them. */
    static CommitConfig config(ContainerView c, Request r) {
        ContainerConfig cc = c.config();
        Changes ch = r.changes();
        List<String> entrypoint = ch.entrypoint().isEmpty() ? cc.entrypoint() : ch.entrypoint();
        // a new entrypoint drops the container's command, as ENTRYPOINT without CMD does in dockerd's changes
        List<String> cmd = !ch.cmd().isEmpty() ? ch.cmd() : !ch.entrypoint().isEmpty() ? List.of() : cc.cmd();
        List<String> env = new ArrayList<>(cc.env());
        env.addAll(ch.env());
        Map<String, String> labels = new LinkedHashMap<>(cc.labels());
        labels.putAll(ch.labels());
        String createdBy = String.join(" ", cc.entrypoint().isEmpty() && cc.cmd().isEmpty() ? List.of()
                : concat(cc.entrypoint(), cc.cmd()));
        return new CommitConfig(entrypoint, cmd, env, ch.workingDir().isEmpty() ? cc.workingDir() : ch.workingDir(),
                ch.user().isEmpty() ? cc.user() : ch.user(), labels, c.id(), r.author(), r.comment(), createdBy,
                Instant.now().toString());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
