package dev.tally.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.interceptors.MessageHandlerInterceptor;
import org.junit.jupiter.api.Test;

class ReplayDispatchTest {

    record Created(String id) {
    }

    record Removed(String id) {
    }

    record Unrelated(int n) {
    }

    /** Handlers that overlap (Axon takes the most specific one), and an interceptor around them. */
    static final class Overlapping {
        final List<String> calls;

        Overlapping(List<String> calls) {
            this.calls = calls;
        }

        @EventHandler
        void on(Object payload, EventMessage<?> message) {
            calls.add("any " + payload.getClass().getSimpleName());
        }

        @EventHandler
        void on(Removed removed) {
            calls.add("removed " + removed.id());
        }

        @MessageHandlerInterceptor
        Object around(EventMessage<?> message, InterceptorChain chain) throws Exception {
            calls.add("around " + message.getPayloadType().getSimpleName());
            return chain.proceed();
        }
    }

    static final class CreatedOnly {
        final List<String> calls;

        CreatedOnly(List<String> calls) {
            this.calls = calls;
        }

        @EventHandler
        void on(Created created) {
            calls.add("created " + created.id());
        }
    }

    static final class Failing {
        @EventHandler
        void on(Created created) {
            throw new IllegalStateException("no room for " + created.id());
        }
    }

    @Test
    void eachEventReachesTheHandlersAxonsAdapterCallsInTheSameOrder() throws Exception {
        List<EventMessage<?>> log = List.of(event(new Created("a")), event(new Removed("a")), event(new Unrelated(7)),
                event(new Created("b")), event(new Removed("b")), event("text"));

        List<String> byAdapter = new ArrayList<>();
        List<AnnotationEventHandlerAdapter> adapters = List.of(new AnnotationEventHandlerAdapter(new Overlapping(byAdapter)),
                new AnnotationEventHandlerAdapter(new CreatedOnly(byAdapter)));
        for (EventMessage<?> m : log) {
            for (AnnotationEventHandlerAdapter a : adapters) {
                if (a.canHandle(m)) {
                    a.handle(m);
                }
            }
        }
        List<String> byDispatch = new ArrayList<>();
        ReplayDispatch dispatch = new ReplayDispatch(List.of(new Overlapping(byDispatch), new CreatedOnly(byDispatch)));
        log.forEach(dispatch::handle);

        assertEquals(byAdapter, byDispatch);
        assertEquals(List.of("around Created", "any Created", "created a", "around Removed", "removed a"),
                byDispatch.subList(0, 5), "the most specific handler, inside the interceptor, model by model");
    }

    @Test
    void aHandlersFailureNamesTheEvent() {
        EventMessage<?> created = event(new Created("c"));
        DomainException failed = assertThrows(DomainException.class,
                () -> new ReplayDispatch(List.of(new Failing())).handle(created));
        assertSame(DomainException.Kind.FAILED, failed.kind());
        assertTrue(failed.getMessage().contains(created.getIdentifier() + " (Created): no room for c"), failed.getMessage());
    }

    private static EventMessage<?> event(Object payload) {
        return GenericEventMessage.asEventMessage(payload);
    }
}
