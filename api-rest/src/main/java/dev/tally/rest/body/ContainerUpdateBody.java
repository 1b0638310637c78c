package dev.tally.rest.body;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.domain.DomainException;
import dev.tally.domain.container.AskedOption;
import dev.tally.domain.container.LimitsChange;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /containers/{id}/update}: Docker's {@code Resources} and {@code RestartPolicy}.
 * A field at its zero value (absent, null, 0, "") leaves that limit as it is, as dockerd leaves it
 * (but for an explicit {@code PidsLimit: 0}, which dockerd reads as "no limit" and tally as "as it is":
 * use -1). Every field tally does not update is kept ({@code others}) and refused unless zero.
 */
public record ContainerUpdateBody(
        long memory,
        long memorySwap,
        long nanoCpus,
        long cpuShares,
        long cpuQuota,
        long cpuPeriod,
        long pidsLimit,
        String cpusetCpus,
        String cpusetMems,
        HostConfigBody.RestartPolicy restartPolicy,
        @JsonAnySetter Map<String, JsonNode> others) {

    /** Docker's CPU period, the one tally's limits are in. */
    private static final long PERIOD = 100_000;
    private static final java.util.regex.Pattern CPU_LIST = java.util.regex.Pattern.compile("[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*");

    public ContainerUpdateBody {
        restartPolicy = restartPolicy == null ? HostConfigBody.RestartPolicy.ZERO : restartPolicy;
        others = others == null ? Map.of() : new java.util.TreeMap<>(others);
    }

    /** The change asked for, in tally's terms; INVALID for a CPU quota tally cannot hold or a conflict of CPU options. */
    public LimitsChange change() {
        if (memory < 0 || nanoCpus < 0 || cpuShares < 0 || memorySwap < -1) {
            throw DomainException.invalid("Memory, NanoCpus and CpuShares must not be negative; MemorySwap is -1 "
                    + "(unlimited) or a number of bytes");
        }
        for (String set : List.of(cpusetCpus, cpusetMems)) {
            if (!set.isEmpty() && !CPU_LIST.matcher(set).matches()) {
                throw DomainException.invalid("Invalid value " + set + " for cpuset cpus or mems: a list such as 0-2,4");
            }
        }
        if (nanoCpus != 0 && (cpuQuota != 0 || cpuPeriod != 0)) {
            throw DomainException.invalid("Conflicting options: Nano CPUs and CPU Period cannot both be set");
        }
        if (cpuPeriod != 0 && cpuPeriod != PERIOD) {
            throw DomainException.invalid("CpuPeriod " + cpuPeriod + " is not supported: tally's CPU limits are per "
                    + PERIOD + " us, Docker's default (use --cpus, or --cpu-quota alone)");
        }
        if (cpuPeriod != 0 && cpuQuota == 0) {
            throw DomainException.invalid("CpuPeriod is not supported without CpuQuota");
        }
        Long cpus = nanoCpus != 0 ? Long.valueOf(nanoCpus)
                : cpuQuota > 0 ? Long.valueOf(cpuQuota * (1_000_000_000L / PERIOD))
                : cpuQuota < 0 ? Long.valueOf(0) : null;
        if (cpuQuota > 0 && cpuQuota < 1000) {
            throw DomainException.invalid("CPU cfs quota can not be less than 1ms (i.e. 1000)");
        }
        return new LimitsChange(
                memory != 0 ? Long.valueOf(memory) : null,
                memorySwap != 0 ? Long.valueOf(memorySwap) : null,
                cpus,
                cpuShares != 0 ? Long.valueOf(cpuShares) : null,
                pidsLimit > 0 ? Long.valueOf(pidsLimit) : pidsLimit < 0 ? Long.valueOf(0) : null,
                cpusetCpus.isEmpty() ? null : cpusetCpus,
                cpusetMems.isEmpty() ? null : cpusetMems);
    }

    /** What else was asked: a restart policy other than "no", and any other field not at its zero value. */
    public List<AskedOption> askedOptions() {
        List<AskedOption> asked = new java.util.ArrayList<>(OtherFields.of("", others));
        if (!restartPolicy.name().isEmpty() && !restartPolicy.name().equals("no")) {
            asked.add(new AskedOption(dev.tally.domain.container.ContainerOption.RESTART_POLICY_OTHER,
                    restartPolicy.name()));
        }
        return asked;
    }
}
