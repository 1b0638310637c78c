package dev.tally.domain.audit;

/**
 * The event log's hash chain: every stored event carries a hash over its content and the previous
 * event's hash, so that a row edited, removed or moved in the store breaks the chain there.
 */
public interface EventChain {

    /** The chain's current head; for an empty log, sequence 0 with the all-zero hash. */
    Checkpoint head();

    /**
     * Walks the whole chain from the first event and stops at the first row that does not match.
     * Reads the store only; constant memory whatever the log's length.
     *
     * @param checkpoint a head seen earlier, or null: when given, the chain must still hold that hash at
     *                   that sequence, which catches a rewrite that recomputed every hash and the removal
     *                   of the rows at the end
     */
    ChainVerdict verify(Checkpoint checkpoint);
}
