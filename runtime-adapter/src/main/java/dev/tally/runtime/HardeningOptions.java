package dev.tally.runtime;

import dev.tally.domain.container.ContainerConfig;
import java.util.List;

/**
 * What {@code --read-only} means in the spec, and the capability set of a container that is not
 * privileged: as in Docker, {@code --cap-drop} takes from the default set and {@code --cap-add}
 * is applied after (so {@code --cap-drop ALL --cap-add NET_BIND_SERVICE} leaves that one).
 * {@code --privileged} keeps every capability (see {@link HostAccessOptions}).
 */
final class HardeningOptions {

    private HardeningOptions() {
    }

    /** @param capAdd the capabilities added to this container (none in a user namespace) */
    static void apply(ContainerConfig config, List<String> capAdd, OciSpec spec) {
        ContainerConfig.Hardening hardening = config.hardening();
        spec.withReadOnlyRoot(hardening.readOnlyRootfs());
        if (config.hostAccess().privileged() || hardening.capDrop().isEmpty() && capAdd.isEmpty()) {
            return;
        }
        spec.withCapabilities(Capabilities.withAdded(Capabilities.withDropped(OciSpec.DEFAULT_CAPS, hardening.capDrop()),
                capAdd));
    }
}
