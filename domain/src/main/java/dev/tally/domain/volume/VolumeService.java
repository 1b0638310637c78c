package dev.tally.domain.volume;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.query.ContainerQueries;
import dev.tally.domain.container.query.ContainerView;
import dev.tally.domain.volume.command.CreateVolume;
import dev.tally.domain.volume.command.RemoveVolume;
import dev.tally.domain.volume.query.VolumeQueries;
import dev.tally.domain.volume.query.VolumeView;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.axonframework.commandhandling.gateway.CommandGateway;

/** The use cases on named volumes. */
public class VolumeService {

    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");

    private final CommandGateway commands;
    private final VolumeStore store;
    private final VolumeQueries volumes;
    private final ContainerQueries containers;

    public VolumeService(CommandGateway commands, VolumeStore store, VolumeQueries volumes, ContainerQueries containers) {
        this.commands = commands;
        this.store = store;
        this.volumes = volumes;
        this.containers = containers;
    }

    /** Creates the volume unless it exists (Docker's create is idempotent by name). */
    public synchronized VolumeView create(String name, Map<String, String> labels, Actor actor) {
        String n = name == null || name.isBlank() ? UUID.randomUUID().toString().replace("-", "") : name;
        requireValidName(n);
        return volumes.find(n).orElseGet(() -> {
            store.create(n);
            commands.sendAndWait(new CreateVolume(UUID.randomUUID().toString(), n, labels == null ? Map.of() : labels, actor));
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

    /** Creates every named volume a container config mounts that does not exist yet. */
    public void ensureFor(ContainerConfig config, Actor actor) {
        for (ContainerConfig.Mount m : config.mounts()) {
            if (m.isVolume()) {
                create(m.source(), Map.of(), actor);
            }
        }
    }

    public VolumeView require(String name) {
        return volumes.find(name).orElseThrow(() -> DomainException.notFound("get " + name + ": no such volume"));
    }

    public synchronized void remove(String name, Actor actor) {
        VolumeView v = require(name);
        List<String> users = containers.list(true).stream()
                .filter(c -> c.config().mounts().stream().anyMatch(m -> m.isVolume() && m.source().equals(name)))
                .map(ContainerView::id).toList();
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
