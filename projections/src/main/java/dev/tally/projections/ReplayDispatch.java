package dev.tally.projections;

import dev.tally.domain.DomainException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.annotation.AnnotatedHandlerInspector;
import org.axonframework.messaging.annotation.ClasspathHandlerDefinition;
import org.axonframework.messaging.annotation.ClasspathParameterResolverFactory;
import org.axonframework.messaging.annotation.MessageHandlerInterceptorMemberChain;
import org.axonframework.messaging.annotation.MessageHandlingMember;

/**
 * Hands each event of a replay to the models' {@code @EventHandler}s as Axon's {@code AnnotationEventHandlerAdapter}
 * does (each model's first handler that can take the event, through the model's interceptors), with the handlers
 * found once per payload class: the adapter searches them at every event, with a stream and its objects, a fifth
 * of what the replay's thread allocated. Which handler takes an event depends on its payload's class only.
 */
final class ReplayDispatch {

    private record Model(Object target, AnnotatedHandlerInspector<Object> inspector) {

        @SuppressWarnings("unchecked")
        static Model of(Object target) {
            Class<Object> type = (Class<Object>) target.getClass();
            return new Model(target, AnnotatedHandlerInspector.inspectType(type,
                    ClasspathParameterResolverFactory.forClass(type), ClasspathHandlerDefinition.forClass(type)));
        }

        Optional<Handler> handlerOf(EventMessage<?> message) {
            return inspector.getHandlers(target.getClass()).filter(h -> h.canHandle(message)).findFirst()
                    .map(member -> new Handler(target, member, inspector.chainedInterceptor(target.getClass())));
        }
    }

    private record Handler(Object target, MessageHandlingMember<? super Object> member,
                           MessageHandlerInterceptorMemberChain<Object> interceptors) {
    }

    private final List<Model> models = new ArrayList<>();
    private final Map<Class<?>, List<Handler>> byType = new HashMap<>();

    ReplayDispatch(List<?> targets) {
        targets.forEach(t -> models.add(Model.of(t)));
    }

    /** @throws DomainException FAILED naming the event when a handler fails (or the handler's own) */
    void handle(EventMessage<?> message) {
        List<Handler> handlers = byType.get(message.getPayloadType());
        if (handlers == null) {
            handlers = models.stream().flatMap(m -> m.handlerOf(message).stream()).toList();
            byType.put(message.getPayloadType(), handlers);
        }
        for (Handler h : handlers) {
            try {
                h.interceptors().handle(message, h.target(), h.member());
            } catch (DomainException e) {
                throw e;
            } catch (Exception e) {
                throw new DomainException(DomainException.Kind.FAILED, "project event " + message.getIdentifier()
                        + " (" + message.getPayloadType().getSimpleName() + "): " + e.getMessage(), e);
            }
        }
    }
}
