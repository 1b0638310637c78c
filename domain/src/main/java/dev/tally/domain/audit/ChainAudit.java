package dev.tally.domain.audit;

import dev.tally.domain.Actor;
import dev.tally.domain.access.AccessControl;

/** The tamper-evidence use cases: reading the head of the chain and verifying it, for admins only. */
public final class ChainAudit {

    private final EventChain chain;
    private final AccessControl access;

    public ChainAudit(EventChain chain, AccessControl access) {
        this.chain = chain;
        this.access = access;
    }

    /** The chain's head now. Denied (and recorded) for non-admins. */
    public Checkpoint checkpoint(Actor actor) {
        access.requireAdmin(actor, "audit.checkpoint", "");
        return chain.head();
    }

    /** Walks the chain, against {@code checkpoint} when not null. Denied (and recorded) for non-admins. */
    public ChainVerdict verify(Actor actor, Checkpoint checkpoint) {
        access.requireAdmin(actor, "audit.verify", "");
        return chain.verify(checkpoint);
    }
}
