package dev.tally.runtime;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Capability names as --cap-add takes them, and the ones the daemon itself can hand out. */
final class Capabilities {

    /** Linux's capabilities by number, up to CAP_CHECKPOINT_RESTORE (40), the last one in 6.x kernels. */
    static final List<String> KNOWN = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
            "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
            "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
            "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
            "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
            "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
            "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
            "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");

    private Capabilities() {
    }

    /**
     * Every capability in the daemon's bounding set: what a privileged container gets. A process
     * cannot give more than it has, so on a host that withholds one (a VM or a container), asking
     * for all of Linux's would fail at start.
     */
    static List<String> available() {
        long bounding = boundingSet();
        List<String> caps = new ArrayList<>();
        for (int i = 0; i < KNOWN.size(); i++) {
            if ((bounding & (1L << i)) != 0) {
                caps.add(KNOWN.get(i));
            }
        }
        return caps;
    }

    /**
     * The default set plus what was asked for; names with or without CAP_, any case, or ALL.
     * INVALID, naming it, for an unknown capability or one the daemon does not have.
     */
    /**
     * These capabilities without the ones named (with or without CAP_, any case), or none for ALL.
     * INVALID, naming it, for an unknown capability.
     */
    static List<String> withDropped(List<String> caps, List<String> capDrop) {
        Set<String> kept = new LinkedHashSet<>(caps);
        for (String asked : capDrop) {
            String name = asked.strip().toUpperCase();
            if (name.equals("ALL") || name.equals("CAP_ALL")) {
                return List.of();
            }
            name = name.startsWith("CAP_") ? name : "CAP_" + name;
            if (!KNOWN.contains(name)) {
                throw DomainException.invalid("invalid CapDrop: unknown capability: \"" + asked + "\"");
            }
            kept.remove(name);
        }
        return List.copyOf(kept);
    }

    static List<String> withAdded(List<String> defaults, List<String> capAdd) {
        Set<String> caps = new LinkedHashSet<>(defaults);
        List<String> available = available();
        for (String asked : capAdd) {
            String name = asked.strip().toUpperCase();
            if (name.equals("ALL") || name.equals("CAP_ALL")) {
                caps.addAll(available);
                continue;
            }
            name = name.startsWith("CAP_") ? name : "CAP_" + name;
            if (!KNOWN.contains(name)) {
                throw DomainException.invalid("invalid CapAdd: unknown capability: \"" + asked + "\"");
            }
            if (!available.contains(name)) {
                throw DomainException.invalid("invalid CapAdd: " + name + " is not in tallyd's own bounding set"
                        + " on this host, so no container can have it");
            }
            caps.add(name);
        }
        return List.copyOf(caps);
    }

    private static long boundingSet() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapBnd:")) {
                    return Long.parseUnsignedLong(line.substring(7).strip(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new DomainException(DomainException.Kind.FAILED, "read CapBnd from /proc/self/status: " + e.getMessage(), e);
        }
        throw new DomainException(DomainException.Kind.FAILED, "no CapBnd line in /proc/self/status");
    }
}
