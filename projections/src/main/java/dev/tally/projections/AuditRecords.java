package dev.tally.projections;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.event.DomainEvent;
import dev.tally.domain.event.Outcome;
import dev.tally.domain.event.Subject;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * How each event becomes an audit record shaped like a Kubernetes audit event (level Metadata), from
 * what the event says of itself ({@link DomainEvent}): its subject, verb and outcome. An intent (an
 * event whose effect on the host follows later, as an event of its own) is outcome {@code requested},
 * stage {@code RequestReceived}; everything else is stage {@code ResponseComplete}. A refusal is outcome
 * {@code denied} with the authorization decision and reason as annotations. A container the event
 * knows only by id is named, with its image, as its creation named it. A payload that is no domain
 * event (a type added without describing itself) still gets a record: action from its class name,
 * actor and time from its {@code actor} and {@code at} fields.
 */
final class AuditRecords {

    private AuditRecords() {
    }

    /** What one event says, before it is written down. */
    private static final class Entry {
        String resource;
        String verb;
        String outcome = "success";
        int code = 200;
        String objectId = "";
        String objectName = "";
        String containerId = "";
        String containerName = "";
        String image = "";
        String imageId = "";
        String message = "";
        final Map<String, Object> annotations = new LinkedHashMap<>();

        Entry(String resource, String verb) {
            this.resource = resource;
            this.verb = verb;
        }
    }

    /**
     * A container as the audit records name it: its name, its image (normalized) and the image's id,
     * all fixed when it was created.
     */
    record KnownContainer(String id, String name, String image, String imageId) {
    }

    /** The record of an event, without its JSON document: what it is searched by. */
    static AuditRow searched(long seq, Instant stored, Object payload,
                             Function<String, Optional<KnownContainer>> containers) {
        Actor actor = actor(payload);
        Instant at = at(payload, stored);
        Entry e = entry(payload, containers);
        return row(seq, at, actor, e, "");
    }

    /** The whole record of an event, with its JSON document. */
    static AuditRow of(long seq, String auditId, Instant stored, Object payload,
                       Function<String, Optional<KnownContainer>> containers) {
        Actor actor = actor(payload);
        Instant at = at(payload, stored);
        Entry e = entry(payload, containers);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("kind", "Event");
        doc.put("apiVersion", "audit.tally.dev/v1");
        doc.put("level", "Metadata");
        doc.put("auditID", auditId);
        doc.put("seq", seq);
        doc.put("stage", e.outcome.equals("requested") ? "RequestReceived" : "ResponseComplete");
        doc.put("verb", e.verb);
        doc.put("action", e.resource + "." + e.verb);
        doc.put("outcome", e.outcome);
        if (actor != null) {
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("username", actor.user());
            user.put("uid", Integer.toString(actor.uid()));
            user.put("gid", Integer.toString(actor.gid()));
            user.put("groups", actor.groups());
            user.put("loginuid", actor.loginUid() == null ? null : Integer.toString(actor.loginUid()));
            doc.put("user", user);
            doc.put("sourceIPs", sourceIps(actor.source()));
            doc.put("source", actor.source());
            doc.put("pid", actor.pid());
            doc.put("userAgent", actor.userAgent());
        }
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("resource", plural(e.resource));
        object.put("name", e.objectName);
        object.put("id", e.objectId);
        if (!e.image.isEmpty()) {
            object.put("image", e.image);
        }
        doc.put("objectRef", object);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("code", e.code);
        status.put("status", e.code < 400 ? "Success" : "Failure");
        if (!e.message.isEmpty()) {
            status.put("message", e.message);
        }
        doc.put("responseStatus", status);
        doc.put("requestReceivedTimestamp", at.toString());
        doc.put("stageTimestamp", at.toString());
        if (!e.annotations.isEmpty()) {
            doc.put("annotations", e.annotations);
        }
        try {
            return row(seq, at, actor, e, json(doc));
        } catch (IOException ex) {
            throw new DomainException(DomainException.Kind.FAILED, "write audit record " + seq + ": " + ex.getMessage(), ex);
        }
    }

    private static AuditRow row(long seq, Instant at, Actor actor, Entry e, String doc) {
        return new AuditRow(seq, at, actor == null ? "" : actor.user(), actor == null ? -1 : actor.uid(),
                e.resource + "." + e.verb, plural(e.resource), e.objectId, e.objectName, e.containerId, e.containerName,
                e.image, e.imageId, e.outcome.equals("denied"), e.outcome, e.code, doc);
    }

    /**
     * The record as JSON, written straight to a generator: the same text as the mapper would write
     * for these maps, lists, strings and numbers, without looking up a serializer for each value
     * (a replay writes one record per event).
     */
    private static String json(Map<String, Object> doc) throws IOException {
        StringWriter out = new StringWriter(1024);
        try (JsonGenerator g = ViewStore.JSON.getFactory().createGenerator(out)) {
            write(g, doc);
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Integer i) {
            g.writeNumber(i);
        } else if (value instanceof Long l) {
            g.writeNumber(l);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> field : map.entrySet()) {
                g.writeFieldName((String) field.getKey());
                write(g, field.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof List<?> list) {
            g.writeStartArray();
            for (Object item : list) {
                write(g, item);
            }
            g.writeEndArray();
        } else {
            g.writeObject(value);
        }
    }

    private static Entry entry(Object payload, Function<String, Optional<KnownContainer>> containers) {
        if (!(payload instanceof DomainEvent event)) {
            return unknown(payload);
        }
        Subject s = event.subject();
        Entry e = new Entry(s.kind(), event.auditVerb());
        e.objectId = s.id();
        e.objectName = s.name();
        e.image = s.image();
        e.imageId = s.imageId();
        switch (s.container()) {
            case NAMED -> {
                e.containerId = s.id();
                e.containerName = s.name();
            }
            case BY_ID -> {
                Optional<KnownContainer> v = containers.apply(s.id());
                e.containerId = s.id();
                e.objectName = e.containerName = v.map(KnownContainer::name).orElse("");
                e.image = v.map(KnownContainer::image).orElse("");
                e.imageId = v.map(KnownContainer::imageId).orElse("");
            }
            case REFERENCED -> {
                Optional<KnownContainer> v = containers.apply(s.name());
                e.containerName = v.map(KnownContainer::name).orElse(s.name());
                e.objectId = e.containerId = v.map(KnownContainer::id).orElse("");
            }
            case NONE -> {
            }
        }
        Outcome o = event.outcome();
        e.outcome = o.kind().word();
        e.code = o.code();
        e.message = o.message();
        e.annotations.putAll(event.annotations());
        if (o.kind() == Outcome.Kind.DENIED) {
            e.annotations.put("authorization.tally.dev/decision", "forbid");
            e.annotations.put("authorization.tally.dev/reason", o.message());
        }
        return e;
    }

    private static Actor actor(Object payload) {
        return payload instanceof DomainEvent event ? event.actor() : component(payload, "actor", Actor.class).orElse(null);
    }

    private static Instant at(Object payload, Instant stored) {
        Instant at = payload instanceof DomainEvent event ? event.at() : component(payload, "at", Instant.class).orElse(null);
        return at == null ? stored : at;
    }

    /** An event added after this mapping: {@code ContainerGranted} becomes {@code container.granted}. */
    private static Entry unknown(Object payload) {
        String name = payload.getClass().getSimpleName();
        String[] words = name.split("(?<=[a-z0-9])(?=[A-Z])");
        String resource = words[0].toLowerCase();
        String verb = words.length > 1 ? String.join("_", List.of(words).subList(1, words.length)).toLowerCase() : "event";
        Entry e = new Entry(resource, verb);
        e.objectId = component(payload, resource + "Id", String.class).orElse("");
        e.objectName = component(payload, "name", String.class).orElse("");
        if (resource.equals("container")) {
            e.containerId = e.objectId;
        }
        return e;
    }

    private static String plural(String resource) {
        return resource.endsWith("s") ? resource : resource + "s";
    }

    /** {@code tcp:1.2.3.4:5678 cn=alice} → [1.2.3.4]; a Unix socket has none. */
    static List<String> sourceIps(String source) {
        if (source == null || !source.startsWith("tcp:")) {
            return List.of();
        }
        String hostPort = source.substring(4).split(" ", 2)[0];
        int colon = hostPort.lastIndexOf(':');
        String host = colon > 0 ? hostPort.substring(0, colon) : hostPort;
        return List.of(host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host);
    }

    /** Each event class's record components by name, looked up once. */
    private static final ClassValue<Map<String, RecordComponent>> COMPONENTS = new ClassValue<>() {
        @Override
        protected Map<String, RecordComponent> computeValue(Class<?> type) {
            Map<String, RecordComponent> byName = new java.util.HashMap<>();
            if (type.getRecordComponents() != null) {
                for (RecordComponent c : type.getRecordComponents()) {
                    c.getAccessor().setAccessible(true);
                    byName.put(c.getName(), c);
                }
            }
            return byName;
        }
    };

    private static <T> Optional<T> component(Object payload, String name, Class<T> type) {
        RecordComponent c = COMPONENTS.get(payload.getClass()).get(name);
        if (c == null || !type.isAssignableFrom(c.getType())) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(type.cast(c.getAccessor().invoke(payload)));
        } catch (ReflectiveOperationException e) {
            return Optional.empty();
        }
    }
}
