package dev.tally.domain.image;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.KeyedLocks;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.ContainerFiles;
import dev.tally.domain.container.ContainerProcesses;
import dev.tally.domain.container.ContainerStatus;
import dev.tally.domain.container.command.RecordPaused;
import dev.tally.domain.container.command.RecordUnpaused;
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
 * lock (no start, exit or removal moves them meanwhile) and, with {@code pause} (Docker's default), a
 * running container is frozen while they are read, as dockerd does it: the freeze and the thaw are
 * recorded as the committer's {@code pause} and {@code unpause} around the commit, each after the host
 * did it. The freeze is marked on the host as the daemon's own ({@link ContainerProcesses#pauseForTheDaemon}):
 * a daemon that dies before the thaw leaves the container frozen, and the next start thaws it and
 * records the unpause as the daemon's ({@link #thawWhatACutCommitFroze}), after the reconciler has
 * recorded the pause itself if the stop came before it was ({@code ContainerPauseFound}).
 */
public class ImageCommits {

    private final CommandGateway commands;
    private final ContainerFiles files;
    private final ContainerSnapshots snapshots;
    private final VisibleContainers containers;
    private final ImageService images;
    private final KeyedLocks containerLocks;
    private final ContainerProcesses processes;

    public ImageCommits(CommandGateway commands, ContainerFiles files, ContainerSnapshots snapshots,
                        VisibleContainers containers, ImageService images, KeyedLocks containerLocks,
                        ContainerProcesses processes) {
        this.commands = commands;
        this.processes = processes;
        this.files = files;
        this.snapshots = snapshots;
        this.containers = containers;
        this.images = images;
        this.containerLocks = containerLocks;
    }

    /**
     * What a commit asks: the container, the name (a {@code repo} with an optional {@code tag}; no repo:
     * no name), dockerd's {@code comment} and {@code author}, the config {@code changes} to apply
     * over the container's (already parsed, the request's config with its {@code --change} lines over it:
     * the edge refuses what tally does not apply), and whether a running container is frozen meanwhile.
     */
    public record Request(String container, String repo, String tag, String comment, String author, Changes changes,
                          boolean pause) {
        public Request {
            repo = repo == null ? "" : repo;
            tag = tag == null ? "" : tag;
            container = container == null ? "" : container;
            comment = comment == null ? "" : comment;
            author = author == null ? "" : author;
            changes = changes == null ? Changes.NONE : changes;
        }
    }

    /**
     * Config changes (the request's config, {@code --change}): each non-empty field replaces the
     * container's; env and labels add by name, exposed ports ({@code 80/tcp}) and volumes to the image's.
     */
    public record Changes(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user,
                          Map<String, String> labels, List<String> exposedPorts, List<String> volumes,
                          String stopSignal) {
        public static final Changes NONE = new Changes(List.of(), List.of(), List.of(), "", "", Map.of());

        public Changes {
            entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
            cmd = cmd == null ? List.of() : List.copyOf(cmd);
            env = env == null ? List.of() : List.copyOf(env);
            workingDir = workingDir == null ? "" : workingDir;
            user = user == null ? "" : user;
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            exposedPorts = exposedPorts == null ? List.of() : List.copyOf(exposedPorts);
            volumes = volumes == null ? List.of() : List.copyOf(volumes);
            stopSignal = stopSignal == null ? "" : stopSignal;
        }

        /** No ports, volumes or stop signal. */
        public Changes(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user,
                       Map<String, String> labels) {
            this(entrypoint, cmd, env, workingDir, user, labels, List.of(), List.of(), "");
        }

        /**
         * These changes applied over {@code base} (as dockerd applies {@code --change} lines over the
         * request's config): a field set here wins, env and labels by name, ports and volumes added; an
         * entrypoint set here without a command drops the base's command.
         */
        public Changes over(Changes base) {
            List<String> newCmd = !cmd.isEmpty() ? cmd : !entrypoint.isEmpty() ? List.of() : base.cmd();
            List<String> allEnv = new ArrayList<>(base.env());
            allEnv.addAll(env);
            Map<String, String> allLabels = new LinkedHashMap<>(base.labels());
            allLabels.putAll(labels);
            return new Changes(entrypoint.isEmpty() ? base.entrypoint() : entrypoint, newCmd, allEnv,
                    workingDir.isEmpty() ? base.workingDir() : workingDir, user.isEmpty() ? base.user() : user, allLabels,
                    union(base.exposedPorts(), exposedPorts), union(base.volumes(), volumes),
                    stopSignal.isEmpty() ? base.stopSignal() : stopSignal);
        }

        private static List<String> union(List<String> a, List<String> b) {
            java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(a);
            all.addAll(b);
            return List.copyOf(all);
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
                out -> frozenIfAsked(c.id(), request.pause(), actor, () -> files.layer(c.id(), out)), config));
        commands.sendAndWait(new RecordCommit(made.imageId(), c.id(), c.imageId(), made.layerDigest(),
                made.manifestDigest(), made.layers(), made.size(), reference, request.comment(), actor));
        if (!reference.isEmpty()) {
            images.moveReference(reference, made.imageId(), "commit", actor);
        }
        return made.imageId();
    }

    /**
     * Runs {@code read} with the container frozen when {@code pause} is asked and it runs unfrozen
     * (under its lock, so its state cannot move meanwhile), as dockerd's commit does: freeze, record the
     * pause; read; thaw (also when the read failed), record the unpause. A pause that cannot be recorded
     * is undone before the commit fails; an unpause that the log already shows (a signal thawed it) is
     * not recorded twice.
     */
    private void frozenIfAsked(String id, boolean pause, Actor actor, Runnable read) {
        ContainerView now = containers.find(id).orElseThrow(() -> DomainException.notFound("No such container: " + id));
        if (!pause || now.status() != ContainerStatus.RUNNING || now.paused()) {
            read.run();
            return;
        }
        processes.pauseForTheDaemon(id);
        try {
            commands.sendAndWait(new RecordPaused(id, actor));
        } catch (RuntimeException unrecorded) {
            processes.resume(id); // nothing the log does not say stays frozen
            throw unrecorded;
        }
        try {
            read.run();
        } finally {
            processes.resume(id);
            try {
                commands.sendAndWait(new RecordUnpaused(id, actor));
            } catch (DomainException alreadyThawed) {
                if (alreadyThawed.kind() != DomainException.Kind.CONFLICT) {
                    throw alreadyThawed;
                }
            }
        }
    }

    /**
     * At start, before the daemon serves: a container a commit froze, whose thaw a stop cut short, is
     * thawed and its unpause recorded as the daemon's (under its lock; after the reconciler, which
     * records the pause itself when the stop came before it was recorded). Before, it stayed paused
     * after the restart, a pause no client asked for (the crash series found it). A container that no
     * longer runs only loses its mark.
     */
    public void thawWhatACutCommitFroze() {
        for (String id : processes.pausedByTheDaemon()) {
            try {
                containerLocks.exclusively(id, () -> {
                    processes.resume(id);
                    containers.find(id).filter(c -> c.status() == ContainerStatus.RUNNING && c.paused())
                            .ifPresent(c -> commands.sendAndWait(new RecordUnpaused(id, Actor.daemon())));
                    return null;
                });
                System.out.println("tallyd: container " + id + ": thawed; a commit had frozen it and the daemon "
                        + "stopped before thawing it");
            } catch (RuntimeException e) {
                System.err.println("tallyd: thawing container " + id + ", which a cut commit had frozen, failed: "
                        + e.getMessage());
            }
        }
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
                Instant.now().toString(), ch.exposedPorts(), ch.volumes(), ch.stopSignal());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
