package dev.tally.runtime;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/** {@code --cpuset-cpus} and {@code --cpuset-mems} against what the host has, as dockerd checks them (INVALID otherwise). */
final class CpuSets {

    static final Path ONLINE_CPUS = Path.of("/sys/devices/system/cpu/online");
    static final Path ONLINE_NODES = Path.of("/sys/devices/system/node/online");

    private CpuSets() {
    }

    static void requireAvailable(String cpus, String mems) {
        require("CPUs", cpus, ONLINE_CPUS);
        require("Memory nodes", mems, ONLINE_NODES);
    }

    private static void require(String what, String asked, Path online) {
        if (asked.isEmpty()) {
            return;
        }
        String available;
        try {
            available = Files.exists(online) ? Files.readString(online).strip() : "0";
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "read " + online + ": " + e.getMessage(), e);
        }
        BitSet wanted = parse(asked);
        BitSet have = parse(available);
        wanted.andNot(have);
        if (!wanted.isEmpty()) {
            throw DomainException.invalid("Requested " + what + " are not available - requested " + asked + ", available: "
                    + available);
        }
    }

    /** {@code 0-2,5} as the set {0, 1, 2, 5}; the edge checked the shape. */
    static BitSet parse(String list) {
        BitSet set = new BitSet();
        for (String part : list.split(",")) {
            String[] range = part.split("-");
            if (range[0].length() > 4 || range.length > 1 && range[1].length() > 4) {
                throw DomainException.invalid("Invalid value " + list + " for cpuset cpus or mems");
            }
            int from = Integer.parseInt(range[0]);
            int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
            if (to < from || to > 4095) {
                throw DomainException.invalid("Invalid value " + list + " for cpuset cpus or mems");
            }
            set.set(from, to + 1);
        }
        return set;
    }
}
