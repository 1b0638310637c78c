package dev.tally.domain.container;

/**
 * What {@code docker update} asks to change of a container's limits: a null field stays as it is.
 *
 * @param memoryBytes     a new memory limit (an update cannot lift one: Docker's neither)
 * @param memorySwapBytes memory and swap together; -1 for unlimited swap
 * @param nanoCpus        CPU time in billionths of a CPU; 0 lifts the limit
 * @param cpuShares       relative CPU weight
 * @param pidsLimit       the most processes; 0 lifts the limit
 */
public record LimitsChange(Long memoryBytes, Long memorySwapBytes, Long nanoCpus, Long cpuShares, Long pidsLimit,
                           String cpusetCpus, String cpusetMems) {

    /** Docker's smallest memory limit, 6 MiB. */
    public static final long MIN_MEMORY = 6L << 20;

    /** The limits {@code now} become, checked as dockerd checks an update: INVALID or CONFLICT in its words. */
    public ContainerConfig.Limits applyTo(ContainerConfig.Limits now) {
        if (memoryBytes != null && memoryBytes < MIN_MEMORY) {
            throw dev.tally.domain.DomainException.invalid("Minimum memory limit allowed is 6MB");
        }
        if (memoryBytes != null && memorySwapBytes == null && now.memorySwapBytes() > 0 && memoryBytes > now.memorySwapBytes()) {
            throw dev.tally.domain.DomainException.conflict("Cannot update container: Memory limit should be smaller "
                    + "than already set memoryswap limit, update the memoryswap at the same time");
        }
        long memory = memoryBytes != null ? memoryBytes : now.memoryBytes();
        long swap = memorySwapBytes != null ? memorySwapBytes : now.memorySwapBytes();
        if (swap != 0 && memory == 0) {
            throw dev.tally.domain.DomainException.invalid("You should always set the Memory limit when using Memoryswap limit");
        }
        if (swap > 0 && swap < memory) {
            throw dev.tally.domain.DomainException.invalid("Minimum memoryswap limit should be larger than memory limit, see usage");
        }
        if (nanoCpus != null && nanoCpus < 0 || cpuShares != null && cpuShares < 0 || pidsLimit != null && pidsLimit < 0) {
            throw dev.tally.domain.DomainException.invalid("a limit may not be negative");
        }
        return new ContainerConfig.Limits(memory,
                nanoCpus != null ? nanoCpus : now.nanoCpus(),
                pidsLimit != null ? pidsLimit : now.pidsLimit(),
                cpuShares != null ? cpuShares : now.cpuShares(),
                cpusetCpus != null ? cpusetCpus : now.cpusetCpus(),
                cpusetMems != null ? cpusetMems : now.cpusetMems(),
                swap);
    }
}
