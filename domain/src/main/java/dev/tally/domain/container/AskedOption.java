package dev.tally.domain.container;

/**
 * An option a create body sets that {@link ContainerConfig} does not carry (tally does not apply
 * it, or not for everyone), as the edge read it.
 *
 * @param option which row of the table it is
 * @param value  what was asked, for the answer and the audit record ({@code net.ipv4.ip_forward=1});
 *               for {@link ContainerOption#MOUNTS_HOST}, the host path of a bind (the
 *               policy then tells whether it is outside)
 */
public record AskedOption(ContainerOption option, String value) {
    public AskedOption {
        value = value == null ? "" : value;
    }
}
