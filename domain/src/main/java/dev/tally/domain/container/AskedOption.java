package dev.tally.domain.container;

/**
 * An option a create body sets that {@link ContainerConfig} does not carry (tally does not apply
 * it, or not for everyone), as the edge read it.
 *
 * @param option which row of the table it is
 * @param value  the mode asked for, shown after the flag ({@code --ipc host}), or empty; for
 *               {@link ContainerOption#MOUNTS_HOST}, the host path of a bind (the policy then tells
 *               whether it is outside); for {@link ContainerOption#OTHER}, the field's path as Docker
 *               spells it ({@code HostConfig.StorageOpt})
 * @param detail what else was asked, for a refusal's reason ({@code net.ipv4.ip_forward}), or empty
 */
public record AskedOption(ContainerOption option, String value, String detail) {
    public AskedOption {
        value = value == null ? "" : value;
        detail = detail == null ? "" : detail;
    }

    /** An option with no detail. */
    public AskedOption(ContainerOption option, String value) {
        this(option, value, "");
    }
}
