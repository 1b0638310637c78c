package dev.tally.domain.audit;

/**
 * What a walk of the event log's hash chain found.
 *
 * @param intact      whether every row matched its hash, in order, and the checkpoint (if any) matched
 * @param checked     how many rows were walked before the verdict
 * @param head        the last row walked when intact (null when not), as a checkpoint of the chain
 * @param firstBad    the first global sequence number that does not match (null when intact)
 * @param problem     what is wrong at {@code firstBad}, in words (null when intact)
 */
public record ChainVerdict(boolean intact, long checked, Checkpoint head, Long firstBad, String problem) {

    public static ChainVerdict intact(long checked, Checkpoint head) {
        return new ChainVerdict(true, checked, head, null, null);
    }

    public static ChainVerdict broken(long checked, long firstBad, String problem) {
        return new ChainVerdict(false, checked, null, firstBad, problem);
    }
}
