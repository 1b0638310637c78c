package dev.tally.domain.container;

import dev.tally.domain.DomainException;
import dev.tally.domain.access.AccessPolicy;
import dev.tally.domain.access.HostLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which options a create asks for, and the answer {@link ContainerOption}'s table gives the caller's
 * role: the first option refused as root-equivalent (DENIED, for non-admins), else the first one
 * tally does not apply (INVALID). Host bind paths are judged by their real path (symbolic links
 * resolved), which is also what {@link #withRealBindPaths} records.
 */
public final class ContainerOptionPolicy {

    /**
     * An option refused: which row, what was asked for (the flag and value), the body's field that
     * asked (the row's, or for {@link ContainerOption#OTHER} the one found), and why.
     */
    public record Refusal(ContainerOption option, String asked, String field, String reason,
                          ContainerOption.Decision decision) {
        /** The answer's message: names the option, as the docker CLI flag and, last, as the body's field. */
        public String message() {
            if (decision == ContainerOption.Decision.DENIED) {
                return "authorization denied: " + asked + " is for tally admins only" + (reason.isEmpty() ? "" : " (" + reason + ")");
            }
            return asked + " is not supported: " + field;
        }

        /** What the caller is told: DENIED (403) or INVALID (400), with {@link #message()}. */
        public DomainException answer() {
            return decision == ContainerOption.Decision.DENIED
                    ? new DomainException(DomainException.Kind.DENIED, message()) : DomainException.invalid(message());
        }
    }

    private ContainerOptionPolicy() {
    }

    /** The first refusal for this caller, if any: a DENIED before any INVALID. */
    public static Optional<Refusal> firstRefusal(ContainerConfig c, List<AskedOption> others, boolean admin,
                                                 AccessPolicy policy, HostLookup host) {
        List<Refusal> asked = asked(c, others, policy, host);
        for (ContainerOption.Decision d : List.of(ContainerOption.Decision.DENIED, ContainerOption.Decision.NOT_SUPPORTED)) {
            for (Refusal r : asked) {
                if (r.option().decisionFor(admin) == d) {
                    return Optional.of(new Refusal(r.option(), r.asked(), r.field(), r.reason(), d));
                }
            }
        }
        return Optional.empty();
    }

    /** Every option asked for that is not applied for everyone, in the table's terms (decision unset). */
    private static List<Refusal> asked(ContainerConfig c, List<AskedOption> others, AccessPolicy policy, HostLookup host) {
        List<Refusal> asked = new ArrayList<>();
        ContainerConfig.HostAccess h = c.hostAccess();
        if (h.privileged()) {
            asked.add(row(ContainerOption.PRIVILEGED, "--privileged", ""));
        }
        if (!h.capAdd().isEmpty()) {
            asked.add(row(ContainerOption.CAP_ADD, "--cap-add", "asked for " + String.join(", ", h.capAdd())));
        }
        if (!h.devices().isEmpty()) {
            asked.add(row(ContainerOption.DEVICES, "--device", "asked for " + String.join(", ", h.devices())));
        }
        if (!h.securityOpt().isEmpty()) {
            asked.add(row(ContainerOption.SECURITY_OPT, "--security-opt", "asked for " + String.join(", ", h.securityOpt())));
        }
        if (h.pidMode().equals("host")) {
            asked.add(row(ContainerOption.PID_MODE_HOST, "--pid host", ""));
        }
        if (!h.deviceCgroupRules().isEmpty()) {
            asked.add(row(ContainerOption.DEVICE_CGROUP_RULES, "--device-cgroup-rule",
                    "asked for " + String.join(", ", h.deviceCgroupRules())));
        }
        if (c.networkMode().equals("host")) {
            asked.add(row(ContainerOption.NETWORK_MODE_HOST, "--network host", ""));
        }
        // a bind asked by --mount is judged below, as --mount; one of -v here
        Set<String> mountedByMount = others.stream().filter(o -> o.option() == ContainerOption.MOUNTS_HOST)
                .map(AskedOption::value).collect(java.util.stream.Collectors.toSet());
        for (ContainerConfig.Mount m : c.mounts()) {
            if (!m.isVolume() && !mountedByMount.contains(m.source())) {
                hostPath(m.source(), policy, host).ifPresent(where ->
                        asked.add(row(ContainerOption.BINDS_HOST, "binding host path " + where, bindRule(policy))));
            }
        }
        for (AskedOption o : others) {
            if (o.option() == ContainerOption.MOUNTS_HOST) {
                hostPath(o.value(), policy, host).ifPresent(where ->
                        asked.add(row(ContainerOption.MOUNTS_HOST, "--mount binding host path " + where, bindRule(policy))));
            } else if (o.option() == ContainerOption.OTHER) {
                asked.add(new Refusal(o.option(), "an option tally does not apply", o.value(), "", null));
            } else {
                String flag = o.option().flag() + (o.value().isEmpty() ? "" : " " + o.value());
                asked.add(row(o.option(), flag, o.detail().isEmpty() ? "" : "asked for " + o.detail()));
            }
        }
        return asked;
    }

    /** The path as it should be shown, if it lies outside what the policy lets users bind. */
    private static Optional<String> hostPath(String source, AccessPolicy policy, HostLookup host) {
        String real = host.realPath(source);
        if (policy.bindAllowed(real)) {
            return Optional.empty();
        }
        return Optional.of(real.equals(source) ? source : source + " (really " + real + ")");
    }

    private static String bindRule(AccessPolicy policy) {
        return policy.allowedBindPaths().isEmpty() ? "users may bind no host path"
                : "users may bind only below " + String.join(", ", policy.allowedBindPaths());
    }

    private static Refusal row(ContainerOption option, String asked, String reason) {
        return new Refusal(option, asked.isEmpty() ? "this option" : asked, option.field(), reason, null);
    }

    /** The same config with every host bind source replaced by its real path, as checked. */
    static ContainerConfig withRealBindPaths(ContainerConfig c, HostLookup host) {
        List<ContainerConfig.Mount> mounts = new ArrayList<>();
        for (ContainerConfig.Mount m : c.mounts()) {
            mounts.add(m.isVolume() ? m : new ContainerConfig.Mount(host.realPath(m.source()), m.target(), m.readOnly()));
        }
        return c.withMounts(mounts);
    }
}
