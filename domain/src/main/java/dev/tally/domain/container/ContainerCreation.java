package dev.tally.domain.container;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.References;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.access.HostLookup;
import dev.tally.domain.container.command.CreateContainer;
import dev.tally.domain.container.command.RecordCreateFailed;
import dev.tally.domain.image.ImageDetails;
import dev.tally.domain.image.ImageReference;
import dev.tally.domain.image.VisibleImages;
import dev.tally.domain.image.query.ImageQueries;
import dev.tally.domain.image.query.ImageView;
import dev.tally.domain.volume.VolumeService;
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;

/** {@code docker create}: checks what the caller may ask for, claims the name, records it, then prepares the host. */
public class ContainerCreation {

    private final CommandGateway commands;
    private final ContainerRuntime runtime;
    private final ImageQueries images;
    private final VolumeService volumes;
    private final AccessControl access;
    private final HostLookup host;
    private final ContainerNames names;
    private final VisibleContainers visible;
    private final ImageDetails imageConfigs;

    public ContainerCreation(CommandGateway commands, ContainerRuntime runtime, ImageQueries images, VolumeService volumes,
                             AccessControl access, HostLookup host, ContainerNames names, VisibleContainers visible) {
        this(commands, runtime, images, volumes, access, host, names, visible, ImageDetails.NONE);
    }

    /** @param imageConfigs the stored images' configs, for their {@code VOLUME}s ({@link ImageVolumes}) and STOPSIGNAL */
    public ContainerCreation(CommandGateway commands, ContainerRuntime runtime, ImageQueries images, VolumeService volumes,
                             AccessControl access, HostLookup host, ContainerNames names, VisibleContainers visible,
                             ImageDetails imageConfigs) {
        this.imageConfigs = imageConfigs;
        this.commands = commands;
        this.runtime = runtime;
        this.images = images;
        this.volumes = volumes;
        this.access = access;
        this.host = host;
        this.names = names;
        this.visible = visible;
    }

    /**
     * Creates a container; returns its id. Options that amount to root on the host are for admins
     * (DENIED, recorded, before anything happens); host bind sources are recorded as their real
     * paths; a non-admin's container runs in a user namespace mapped to that user's subordinate ids.
     * NOT_FOUND for an unknown image, INVALID for a bad name (before anything is decided or recorded)
     * or one that reads as an id (recorded), CONFLICT for a name in use, and what the runtime refuses
     * ({@link ContainerRuntime#validate}), all before anything is recorded. Then the container is
     * recorded (its intent), then its bundle prepared: a host that fails then leaves nothing on the
     * host, a recorded ContainerCreateFailed and the name free.
     */
    public String create(String requestedName, ContainerConfig requested, Actor actor) {
        return create(requestedName, requested, List.of(), actor);
    }

    /**
     * As {@link #create(String, ContainerConfig, Actor)}, with the options the body also set that the
     * config does not carry. Each option is decided by {@link ContainerOption}'s table for the
     * caller's role: DENIED (recorded) for a root-equivalent one, INVALID for one tally does not
     * apply, before anything happens.
     */
    public String create(String requestedName, ContainerConfig requested, List<AskedOption> others, Actor actor) {
        ContainerNaming.requireValid(requestedName);
        boolean admin = access.isAdmin(actor);
        String bare = requestedName != null && requestedName.startsWith("/") ? requestedName.substring(1) : requestedName;
        if (References.looksLikeId(bare)) {
            throw access.deny(actor, "container.create", "container/" + bare, "the name reads as a container id",
                    DomainException.invalid("Invalid container name (" + bare + "), a name of 12 to 64 hexadecimal "
                            + "characters would read as a container id"));
        }
        HostLookup resolvedOnce = new PathsResolvedOnce(host);
        ContainerOptionPolicy.firstRefusal(requested, others, admin, access.policy(), resolvedOnce).ifPresent(r -> {
            if (r.decision() == ContainerOption.Decision.DENIED) {
                throw access.deny(actor, "container.create", "container/" + (requestedName == null ? "" : requestedName),
                        r.message(), r.answer());
            }
            throw r.answer();
        });
        ContainerConfig real = ContainerOptionPolicy.withRealBindPaths(requested, resolvedOnce);
        // among the images this caller may use (docs/security.md, "Images: who may use which")
        ImageView image = new VisibleImages(images, access).require(real.image(), actor, "container.create");
        // what the image gives its containers, read once: its VOLUMEs and STOPSIGNAL
        java.util.Map<String, Object> imageConfig = imageConfigs.of(image.id()).map(ImageDetails.Details::config)
                .orElse(java.util.Map.of());
        // the image's VOLUMEs: an anonymous volume at each path nothing else mounts
        List<ContainerConfig.Mount> asked = new java.util.ArrayList<>(real.mounts());
        asked.addAll(ImageVolumes.added(imageConfig.get("Volumes"), real));
        // -v PATH: a volume of its own, named as dockerd names one (64 random hex digits)
        java.util.Set<String> anonymous = new java.util.HashSet<>();
        List<ContainerConfig.Mount> mounts = new java.util.ArrayList<>();
        for (ContainerConfig.Mount m : asked) {
            if (m.source().isEmpty()) {
                String name = java.util.UUID.randomUUID().toString().replace("-", "")
                        + java.util.UUID.randomUUID().toString().replace("-", "");
                anonymous.add(name);
                mounts.add(m.withSource(name));
            } else {
                mounts.add(m);
            }
        }
        ContainerConfig config = withImageStop(anonymous.isEmpty() ? real : real.withMounts(mounts),
                imageConfig.get("StopSignal"));
        String remapUser = admin ? null : actor.user();
        runtime.validate(config, image.id(), remapUser);
        volumes.ensureFor(config, anonymous, actor);
        String id = ContainerNaming.newId();
        String name = ContainerNaming.nameFor(requestedName, id);
        try {
            names.claim(name, id).ifPresent(holder -> {
                throw nameInUse(name, holder, actor);
            });
            try {
                // the intent first: a crash before the bundle is whole leaves a record to undo at start
                commands.sendAndWait(new CreateContainer(id, name, config, image.id(), actor));
            } finally {
                names.release(name, id);
            }
        } catch (RuntimeException refused) {
            // no container was recorded (a name in use): the volumes made for it alone go
            volumes.removeAnonymous(anonymous, actor);
            throw refused;
        }
        try {
            runtime.create(id, config, image.id(), remapUser);
            return id;
        } catch (RuntimeException e) {
            RuntimeException failed = createFailed(id, e, actor);
            volumes.removeAnonymous(anonymous, actor);
            throw failed;
        }
    }

    /**
     * The config with the image's STOPSIGNAL when it names none itself, as dockerd merges it at create (so
     * that the record says how the container stops); INVALID for a signal that is none, or a timeout below
     * -1 (no end).
     */
    private static ContainerConfig withImageStop(ContainerConfig config, Object fromImage) {
        ContainerConfig.Stop stop = config.stop();
        if (stop.timeoutSeconds() != null && stop.timeoutSeconds() < -1) {
            throw DomainException.invalid("invalid stop timeout " + stop.timeoutSeconds() + ": seconds, or -1 for none");
        }
        if (stop.signal().isEmpty()) {
            if (!(fromImage instanceof String signal) || signal.isEmpty()) {
                return config;
            }
            stop = new ContainerConfig.Stop(signal, stop.timeoutSeconds());
            config = config.withStop(stop);
        }
        Signals.requireValid(stop.signal());
        return config;
    }

    /** Removes what the host kept and records the failure (the name is free again); the error to throw. */
    private RuntimeException createFailed(String id, RuntimeException failure, Actor actor) {
        DomainException e = failure instanceof DomainException d ? d
                : new DomainException(DomainException.Kind.FAILED, "create container " + id + ": " + failure, failure);
        try {
            runtime.remove(id);
            commands.sendAndWait(new RecordCreateFailed(id, e.getMessage(), actor));
        } catch (RuntimeException unrecorded) {
            // the start-up reconciler finds the bundle not whole and records the failure then
            return new DomainException(e.kind(), e.getMessage() + "; recording that failed too: "
                    + unrecorded.getMessage(), e);
        }
        return e;
    }

    /**
     * Says whose container holds the name only to who may see it. Names are one space for everyone:
     * a clash with a container the caller may not see is still a conflict (it tells that the name is
     * taken, and no more), and is recorded as an AccessDenied so that probing for names shows in the
     * audit (docs/security.md, "References and names").
     */
    private DomainException nameInUse(String name, String holder, Actor actor) {
        boolean known = visible.find(holder).map(h -> visible.visibleTo(h, actor)).orElse(false);
        DomainException answer = DomainException.conflict("Conflict. The container name \"/" + name
                + "\" is already in use by " + (known ? "container \"" + holder + "\"" : "another user's container")
                + ". You have to remove (or rename) that container to be able to reuse that name.");
        return known ? answer
                : access.deny(actor, "container.create", "container/" + name, "the name is held by another user's container",
                        answer);
    }
}
