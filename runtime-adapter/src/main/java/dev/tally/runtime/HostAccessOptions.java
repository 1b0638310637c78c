package dev.tally.runtime;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerConfig.HostAccess;
import java.util.ArrayList;
import java.util.List;

/**
 * What an admin's {@code --privileged}, {@code --cap-add}, {@code --device}, {@code --device-cgroup-rule},
 * {@code --security-opt} and {@code --pid host} mean in the spec. Who may ask is decided before the runtime is reached;
 * here each option is checked for sense and made real.
 */
final class HostAccessOptions {

    /** The annotation that records the accepted --security-opt values in the bundle. */
    static final String SECURITY_OPT_ANNOTATION = "dev.tally.security-opt";
    /**
     * The annotation that says, with {@link #UNCONFINED}, that the container runs without the
     * default seccomp profile: asked with --security-opt seccomp=unconfined, or --privileged (as Docker).
     */
    static final String SECCOMP_ANNOTATION = "dev.tally.seccomp";
    static final String UNCONFINED = "unconfined";

    private HostAccessOptions() {
    }

    static void apply(HostAccess access, OciSpec spec) {
        boolean noNewPrivileges = securityOpts(access.securityOpt());
        if (!access.securityOpt().isEmpty()) {
            spec.withAnnotation(SECURITY_OPT_ANNOTATION, String.join(",", access.securityOpt()));
        }
        if (access.privileged() || seccompUnconfined(access.securityOpt())) {
            spec.withAnnotation(SECCOMP_ANNOTATION, UNCONFINED);
        }
        spec.withNoNewPrivileges(noNewPrivileges);
        if (!access.pidMode().isEmpty() && !access.pidMode().equals("host")) {
            throw DomainException.invalid("invalid PID mode: " + access.pidMode() + " (only host is supported)");
        }
        if (access.pidMode().equals("host")) {
            spec.withHostPid();
        }
        if (access.privileged()) {
            spec.withPrivileged().withCapabilities(Capabilities.available());
            for (HostDevice d : HostDevice.allOnHost()) {
                spec.withDevice(d);
            }
        }
        // --cap-add is applied with --cap-drop, by HardeningOptions: one place for the set.
        for (String option : access.devices()) {
            spec.withDevice(HostDevice.parse(option));
        }
        for (String rule : access.deviceCgroupRules()) {
            spec.withDeviceRule(rule);
        }
    }

    private static boolean seccompUnconfined(List<String> options) {
        return options.stream().map(String::strip).anyMatch(o -> o.equals("seccomp=unconfined") || o.equals("seccomp:unconfined"));
    }

    /**
     * Checks every --security-opt; returns whether no-new-privileges is on. Every container runs
     * under the default seccomp profile ({@link DefaultSeccomp}) unless seccomp=unconfined; tally
     * loads no AppArmor profile, so apparmor=unconfined changes nothing and is accepted. Anything
     * else (another seccomp profile, labels) would be a promise tally cannot keep, and is INVALID.
     */
    private static boolean securityOpts(List<String> options) {
        boolean noNewPrivileges = false;
        List<String> unsupported = new ArrayList<>();
        for (String raw : options) {
            String opt = raw.strip();
            String key = opt.split("[=:]", 2)[0];
            String value = opt.length() > key.length() ? opt.substring(key.length() + 1) : "";
            switch (key) {
                case "no-new-privileges" -> {
                    if (value.isEmpty() || value.equals("true")) {
                        noNewPrivileges = true;
                    } else if (value.equals("false")) {
                        noNewPrivileges = false;
                    } else {
                        throw DomainException.invalid("invalid --security-opt \"" + raw
                                + "\": no-new-privileges takes true or false");
                    }
                }
                case "seccomp", "apparmor" -> {
                    if (!value.equals("unconfined")) {
                        unsupported.add(raw);
                    }
                }
                default -> unsupported.add(raw);
            }
        }
        if (!unsupported.isEmpty()) {
            throw DomainException.invalid("unsupported --security-opt: " + String.join(", ", unsupported)
                    + " (tally applies its one default seccomp profile and no AppArmor profile: it accepts"
                    + " no-new-privileges[:true|false], seccomp=unconfined and apparmor=unconfined)");
        }
        return noNewPrivileges;
    }
}
