package dev.tally.domain.volume;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.KeyedLocks;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.query.ContainerQueries;
import dev.tally.domain.container.query.ContainerView;
import dev.tally.domain.volume.command.CreateVolume;
import dev.tally.domain.volume.command.RemoveVolume;
import dev.tally.domain.volume.query.VolumeQueries;
import dev.tally.domain.volume.query.VolumeView;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * The use cases on named volumes. A volume belongs to who created it (explicitly or by mounting
 * it first): users see and remove only their own, admins every one. Names are global. A name in
 * a create or a {@code -v NAME:} means the caller's own volume, for everyone, admins included: a
 * name held by someone else is a conflict (recorded), which says whose only to an admin; so a
 * user's volume never lands, by its name, in an admin's container, which runs as real root.
 */
public class VolumeService {

    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");

    private final CommandGateway commands;
    private final VolumeStore store;
    private final VolumeQueries volumes;
    private final ContainerQueries containers;
    private final AccessControl access;
    /** Per volume name: a check and what follows from it are one step. */
    private final KeyedLocks names;

    public VolumeService(CommandGateway commands, VolumeStore store, VolumeQueries volumes, ContainerQueries containers,
                         AccessControl access, KeyedLocks names) {
        this.access = access;
        this.names = names;
        this.commands = commands;
        this.store = store;
        this.volumes = volumes;
        this.containers = containers;
    }

    /** Creates the volume unless it exists (Docker's create is idempotent by name). */
    public VolumeView create(String name, Map<String, String> labels, Actor actor) {
        String n = name == null || name.isBlank() ? UUID.randomUUID().toString().replace("-", "") : name;
        requireValidName(n);
        return names.exclusively(n, () -> createChecked(n, labels, actor));
    }

    private VolumeView createChecked(String n, Map<String, String> labels, Actor actor) {
        volumes.find(n).filter(v -> !owns(v, actor)).ifPresent(v -> {
            if (!access.isAdmin(actor)) {
                throw access.deny(actor, "volume.create", "volume/" + n, "the name is held by another user's volume",
                        DomainException.conflict("volume name " + n + " is in use by another user's volume"));
            }
            throw access.deny(actor, "volume.create", "volume/" + n, "the name is held by the volume of "
                            + v.owner().user() + " (uid " + v.owner().uid() + ")",
                    DomainException.conflict("volume name " + n + " is in use by the volume of " + v.owner().user()
                            + ": a name means the caller's own volume, admins' included (your container would run"
                            + " as root over that user's files); to mount it on purpose, bind its directory "
                            + store.mountpoint(n)));
        });
        return volumes.find(n).orElseGet(() -> {
            // recorded first: a crash before the directory exists leaves a volume the start-up makes whole
            String id = UUID.randomUUID().toString();
            commands.sendAndWait(new CreateVolume(id, n, labels == null ? Map.of() : labels, actor));
            try {
                store.create(n);
            } catch (RuntimeException e) {
                commands.sendAndWait(new RemoveVolume(id, Actor.daemon()));
                throw e;
            }
            return volumes.find(n).orElseThrow();
        });
    }

    /** Docker's rule for local volume names: INVALID, in its words, for any other. */
    public static void requireValidName(String n) {
        if (n == null || !VALID.matcher(n).matches()) {
            throw DomainException.invalid("create " + n + ": \"" + n + "\" includes invalid characters for a local "
                    + "volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host "
                    + "directory, use absolute path");
        }
    }

    /**
     * Creates every volume a container config mounts that does not exist yet; those named in
     * {@code anonymous} (the names {@code -v PATH} was given) with dockerd's label for an anonymous
     * volume, which {@code rm -v}, {@code --rm} and {@code volume prune} go by.
     */
    public void ensureFor(ContainerConfig config, java.util.Set<String> anonymous, Actor actor) {
        for (ContainerConfig.Mount m : config.mounts()) {
            if (m.isVolume()) {
                create(m.source(), anonymous.contains(m.source()) ? Map.of(VolumePruning.ANONYMOUS, "") : Map.of(), actor);
            }
        }
    }

    /**
     * After a container's removal ({@code rm -v}, or {@code --rm}): removes the anonymous volumes it
     * mounted that no other container mounts, each a removal recorded as {@code actor}'s, as dockerd
     * does. One still in use, or not anonymous, is left. Never throws: the container is gone
     * already, and a volume left is one {@code volume prune} takes.
     */
    public void removeAnonymousOf(ContainerView removed, Actor actor) {
        for (ContainerConfig.Mount m : removed.config().mounts()) {
            if (!m.isVolume()) {
                continue;
            }
            String name = m.source();
            try {
                removeAnonymous(name, removed.id(), actor);
            } catch (RuntimeException e) {
                System.err.println("tallyd: removing anonymous volume " + name + " of container " + removed.id()
                        + " failed (volume prune takes it): " + e.getMessage());
            }
        }
    }

    /**
     * Removes the anonymous volumes made for a container whose create was refused or failed, each a
     * removal recorded as {@code actor}'s. Never throws: what is left, the next start or {@code volume
     * prune} takes.
     */
    public void removeAnonymous(java.util.Set<String> made, Actor actor) {
        for (String name : made) {
            try {
                removeAnonymous(name, null, actor);
            } catch (RuntimeException e) {
                System.err.println("tallyd: removing anonymous volume " + name + " of a create that failed, failed: "
                        + e.getMessage());
            }
        }
    }

    /**
     * Removes volume {@code name}, recorded as {@code actor}'s, if it is anonymous and no container but
     * {@code except} (null: none) mounts it; whether it was removed.
     */
    boolean removeAnonymous(String name, String except, Actor actor) {
        return names.exclusively(name, () -> {
            Optional<VolumeView> v = volumes.find(name);
            boolean inUse = containers.list(true).stream().anyMatch(c -> !c.id().equals(except)
                    && c.config().mountsVolume(name));
            if (v.isPresent() && v.get().labels().containsKey(VolumePruning.ANONYMOUS) && !inUse) {
                commands.sendAndWait(new RemoveVolume(v.get().id(), actor));
                store.remove(name);
                return true;
            }
            return false;
        });
    }

    /** The anonymous volumes no container of the log mounts now. */
    List<VolumeView> unmountedAnonymous() {
        java.util.Set<String> mounted = new java.util.HashSet<>();
        containers.list(true).forEach(c -> c.config().mounts().stream().filter(ContainerConfig.Mount::isVolume)
                .forEach(m -> mounted.add(m.source())));
        return volumes.list().stream().filter(v -> v.labels().containsKey(VolumePruning.ANONYMOUS))
                .filter(v -> !mounted.contains(v.name())).toList();
    }

    /** The volume if this actor may see it; NOT_FOUND (recorded when it exists) otherwise. */
    public VolumeView require(String name, Actor actor) {
        return require(name, actor, "volume.inspect");
    }

    private VolumeView require(String name, Actor actor, String action) {
        VolumeView v = volumes.find(name).orElseThrow(() -> DomainException.notFound("get " + name + ": no such volume"));
        if (!visibleTo(v, actor)) {
            throw access.deny(actor, action, "volume/" + name, "not the owner",
                    DomainException.notFound("get " + name + ": no such volume"));
        }
        return v;
    }

    public List<VolumeView> list(Actor actor) {
        return volumes.list().stream().filter(v -> visibleTo(v, actor)).toList();
    }

    public boolean visibleTo(VolumeView v, Actor actor) {
        return access.isAdmin(actor) || owns(v, actor);
    }

    private static boolean owns(VolumeView v, Actor actor) {
        return v.owner().uid() == actor.uid() && (actor.uid() != -1 || v.owner().user().equals(actor.user()));
    }

    public void remove(String name, Actor actor) {
        names.exclusively(name, () -> {
            removeChecked(name, actor);
            return null;
        });
    }

    private void removeChecked(String name, Actor actor) {
        VolumeView v = require(name, actor, "volume.remove");
        List<String> users = containers.list(true).stream()
                .filter(c -> c.config().mountsVolume(name))
                .map(c -> access.isAdmin(actor) || c.owner().uid() == actor.uid() ? c.id() : "another user's container")
                .toList();
        if (!users.isEmpty()) {
            throw DomainException.conflict("remove " + name + ": volume is in use - " + users);
        }
        commands.sendAndWait(new RemoveVolume(v.id(), actor));
        store.remove(name);
    }

    public String mountpoint(String name) {
        return store.mountpoint(name);
    }
}
