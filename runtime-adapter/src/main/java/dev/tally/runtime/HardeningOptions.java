package dev.tally.runtime;

import dev.tally.domain.container.ContainerConfig;
import java.util.List;

/**
 * What {@code --read-only} and {@code --cap-drop} mean in the spec. As in Docker, the dropped
 * capabilities are taken from the default set and {@code --cap-add} is applied after (so
 * {@code --cap-drop ALL --cap-add NET_BIND_SERVICE} leaves that one); {@code --privileged} keeps
 * every capability.
 */
final class HardeningOptions {

    private HardeningOptions() {
    }

    /** @param capAdd the capabilities added to this container (none in a user namespace) */
    static void apply(ContainerConfig config, List<String> capAdd, OciSpec spec) {
        ContainerConfig.Hardening hardening = config.hardening();
        spec.withReadOnlyRoot(hardening.readOnlyRootfs());
        if (hardening.capDrop().isEmpty() || config.hostAccess().privileged()) {
            return;
        }
        List<String> kept = Capabilities.withDropped(OciSpec.DEFAULT_CAPS, hardening.capDrop());
        spec.withCapabilities(capAdd.isEmpty() ? kept : Capabilities.withAdded(kept, capAdd));
    }
}
