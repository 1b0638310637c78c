package dev.tally.domain.audit;

import java.time.Instant;

/**
 * The head of the event log's hash chain at a moment: the last event's global sequence number, its
 * chain hash (64 lower-case hex digits of SHA-256), when the checkpoint was taken and how many events
 * the chain held up to and including that sequence. Kept outside the store, it lets a later
 * verification tell that the log up to {@code sequence} is still the one seen then, even after an
 * attacker recomputed every hash. An empty log has sequence 0, 64 zeros as hash, and count 0.
 */
public record Checkpoint(long sequence, String hash, Instant time, long count) {

    public Checkpoint {
        if (sequence < 0 || count < 0) {
            throw new IllegalArgumentException("a checkpoint's sequence and count are never negative");
        }
        if (hash == null || !hash.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a checkpoint's hash is 64 lower-case hex digits (SHA-256): " + hash);
        }
    }
}
