package dev.tally.domain.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.access.AccessPolicy;
import dev.tally.domain.access.event.AccessDenied;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.SimpleEventBus;
import org.axonframework.eventhandling.gateway.DefaultEventGateway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChainAuditTest {

    private static final Checkpoint HEAD = new Checkpoint(7, "ab".repeat(32), Instant.EPOCH, 7);

    /** A chain that counts how often it was read. */
    private static final class CountingChain implements EventChain {
        int reads;

        @Override
        public Checkpoint head() {
            reads++;
            return HEAD;
        }

        @Override
        public ChainVerdict verify(Checkpoint checkpoint) {
            reads++;
            return ChainVerdict.intact(7, HEAD);
        }
    }

    private final List<EventMessage<?>> published = new ArrayList<>();
    private final CountingChain chain = new CountingChain();
    private ChainAudit audit;

    @BeforeEach
    void wire() {
        SimpleEventBus bus = SimpleEventBus.builder().build();
        bus.subscribe(published::addAll);
        audit = new ChainAudit(chain, new AccessControl(DefaultEventGateway.builder().eventBus(bus).build(),
                AccessPolicy.defaults()));
    }

    private static Actor user(int uid, String name, String... groups) {
        return new Actor(uid, uid, name, 1, "unix:pid=1", List.of(groups), null, "");
    }

    @Test
    void aNonAdminIsRefusedRecordedAndTheChainIsNotRead() {
        Actor alice = user(1001, "alice", "alice", "tally");
        DomainException verify = assertThrows(DomainException.class, () -> audit.verify(alice, null));
        DomainException checkpoint = assertThrows(DomainException.class, () -> audit.checkpoint(alice));
        assertEquals(DomainException.Kind.DENIED, verify.kind());
        assertEquals(DomainException.Kind.DENIED, checkpoint.kind());
        assertEquals(0, chain.reads);
        assertEquals(List.of("audit.verify", "audit.checkpoint"),
                published.stream().map(m -> ((AccessDenied) m.getPayload()).action()).toList());
    }

    @Test
    void rootAndTheAdminGroupMayVerifyAndTakeCheckpoints() {
        assertSame(HEAD, audit.checkpoint(user(0, "root")));
        assertEquals(7, audit.verify(user(1002, "dave", "dave", "tally-admin"), HEAD).checked());
        assertEquals(2, chain.reads);
        assertEquals(List.of(), published);
    }
}
