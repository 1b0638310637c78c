package dev.tally.rest.body;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerConfig;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks of the HostConfig options that become resource limits, host access and the process's
 * setup: each value is read as dockerd reads it, or INVALID (400) naming the option. What ends up in
 * the container's /etc/hosts and /etc/resolv.conf is one word per value, so no value can add a line.
 */
final class SetupChecks {

    private static final Pattern CPU_LIST = Pattern.compile("[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*");
    private static final Pattern DEVICE_RULE = Pattern.compile("[acb] ([0-9]+|\\*):([0-9]+|\\*) [rwm]{1,3}");
    private static final Pattern GROUP = Pattern.compile("[0-9]+|[A-Za-z_][A-Za-z0-9_.-]*\\$?");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern OPTION = Pattern.compile("[A-Za-z0-9_.:-]+");

    private SetupChecks() {
    }

    static ContainerConfig.Limits limits(HostConfigBody h) {
        if (h.memory() < 0 || h.nanoCpus() < 0) {
            throw DomainException.invalid("HostConfig: Memory and NanoCpus must not be negative");
        }
        if (h.memory() > 0 && h.memory() < 6 * 1024 * 1024) {
            throw DomainException.invalid("Minimum memory limit allowed is 6MB");
        }
        if (h.cpuShares() < 0) {
            throw DomainException.invalid("HostConfig.CpuShares: shares must not be negative");
        }
        if (h.memorySwap() > 0 && h.memory() == 0) {
            throw DomainException.invalid("You should always set the Memory limit when using Memoryswap limit, see usage");
        }
        if (h.memorySwap() > 0 && h.memorySwap() < h.memory()) {
            throw DomainException.invalid("Minimum memoryswap limit should be larger than memory limit, see usage");
        }
        if (h.memorySwap() < -1) {
            throw DomainException.invalid("HostConfig.MemorySwap: -1 (unlimited) or a number of bytes");
        }
        for (String set : List.of(h.cpusetCpus(), h.cpusetMems())) {
            if (!set.isEmpty() && !CPU_LIST.matcher(set).matches()) {
                throw DomainException.invalid("Invalid value " + set + " for cpuset cpus or mems: a list such as 0-2,4");
            }
        }
        return new ContainerConfig.Limits(h.memory(), h.nanoCpus(), Math.max(0, h.pidsLimit()), h.cpuShares(), h.cpusetCpus(),
                h.cpusetMems(), h.memorySwap());
    }

    static ContainerConfig.HostAccess hostAccess(HostConfigBody h) {
        for (String rule : h.deviceCgroupRules()) {
            if (!DEVICE_RULE.matcher(rule).matches()) {
                throw DomainException.invalid("invalid device cgroup rule \"" + rule + "\": TYPE MAJOR:MINOR ACCESS,"
                        + " as c 1:3 rwm");
            }
        }
        return h.hostAccess();
    }

    static ContainerConfig.Setup setup(HostConfigBody h) {
        if (h.shmSize() < 0) {
            throw DomainException.invalid("SHM size can not be less than 0");
        }
        if (!Set.of("", "host", "private").contains(h.cgroupnsMode())) {
            throw DomainException.invalid("invalid cgroup namespace mode: " + h.cgroupnsMode() + " (host or private)");
        }
        for (String group : h.groupAdd()) {
            require(GROUP.matcher(group).matches(), "invalid --group-add value \"" + group + "\": a group id or name");
        }
        for (String entry : h.extraHosts()) {
            String line = hostLine(entry);
            String address = line.substring(line.indexOf(':') + 1);
            require(!address.equals("host-gateway"), "--add-host " + entry + ": tally has no host gateway (containers have"
                    + " loopback only)");
            require(HOST_NAME.matcher(line.substring(0, Math.max(0, line.indexOf(':')))).matches() && address(address),
                    "invalid --add-host \"" + entry + "\": NAME:ADDRESS");
        }
        for (String server : h.dns()) {
            require(address(server), "invalid --dns \"" + server + "\": an IP address");
        }
        for (String domain : h.dnsSearch()) {
            require(domain.equals(".") || HOST_NAME.matcher(domain).matches(), "invalid --dns-search \"" + domain + "\"");
        }
        for (String option : h.dnsOptions()) {
            require(OPTION.matcher(option).matches(), "invalid --dns-option \"" + option + "\"");
        }
        return new ContainerConfig.Setup(h.groupAdd(), h.init(), h.shmSize(), h.cgroupnsMode(), h.dns(), h.dnsSearch(),
                h.dnsOptions(), h.extraHosts().stream().map(SetupChecks::hostLine).toList());
    }

    /** {@code name=address} (the CLI 28's form) and {@code name:[v6]} read as Docker's {@code name:address}. */
    private static String hostLine(String entry) {
        int cut = entry.contains("=") ? entry.indexOf('=') : entry.indexOf(':');
        return cut < 0 ? entry : entry.substring(0, cut) + ":" + entry.substring(cut + 1).replaceAll("^\\[(.*)]$", "$1");
    }

    private static boolean address(String s) {
        return IPV4.matcher(s).matches() || IPV6.matcher(s).matches() && s.length() <= 45;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw DomainException.invalid(message);
        }
    }
}
