package dev.tally.projections;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.access.event.AccessDenied;
import dev.tally.domain.container.event.ContainerAccessGranted;
import dev.tally.domain.container.event.ContainerAccessRevoked;
import dev.tally.domain.container.event.ContainerCreated;
import dev.tally.domain.container.event.ContainerExecExited;
import dev.tally.domain.container.event.ContainerExecStarted;
import dev.tally.domain.container.event.ContainerExited;
import dev.tally.domain.container.event.ContainerKillRequested;
import dev.tally.domain.container.event.ContainerRemoved;
import dev.tally.domain.container.event.ContainerStartFailed;
import dev.tally.domain.container.event.ContainerStartRequested;
import dev.tally.domain.container.event.ContainerStarted;
import dev.tally.domain.container.event.ContainerStopRequested;
import dev.tally.domain.image.ImageReference;
import dev.tally.domain.image.event.ImageImported;
import dev.tally.domain.image.event.ImageTagged;
import dev.tally.domain.volume.event.VolumeCreated;
import dev.tally.domain.volume.event.VolumeRemoved;
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
 * How each event becomes an audit record shaped like a Kubernetes audit event (level Metadata).
 *
 * <p>Mapping of intents and outcomes: an event that records a request whose effect on the host
 * follows later (ContainerStartRequested, ContainerStopRequested, ContainerKillRequested,
 * ContainerExecStarted, which is stored before the process is opened) has outcome {@code requested},
 * stage {@code RequestReceived} and code 202. Its outcome is a record of its own: ContainerStarted
 * (success, 204), ContainerStartFailed (failure, 500, with the reason), ContainerExited and
 * ContainerExecExited (success, 200, with the exit code, observed by the daemon). Facts stored once
 * the request succeeded have stage {@code ResponseComplete}: creations 201, removals 204, imports
 * 200. AccessDenied is outcome {@code denied}, with the status the caller was given (403, or 404 for
 * a hidden object) and the reason. Events this class does
 * not know (added later) still get a record: action from the event's name, actor and time from its
 * {@code actor} and {@code at} fields.
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

        Entry intent() {
            outcome = "requested";
            code = 202;
            return this;
        }

        Entry code(int c) {
            code = c;
            return this;
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
        Actor actor = component(payload, "actor", Actor.class).orElse(null);
        Instant at = component(payload, "at", Instant.class).orElse(stored);
        Entry e = entry(payload, containers);
        return row(seq, at, actor, e, "");
    }

    /** The whole record of an event, with its JSON document. */
    static AuditRow of(long seq, String auditId, Instant stored, Object payload,
                       Function<String, Optional<KnownContainer>> containers) {
        Actor actor = component(payload, "actor", Actor.class).orElse(null);
        Instant at = component(payload, "at", Instant.class).orElse(stored);
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
        if (payload instanceof ContainerCreated c) {
            Entry e = container("create", c.containerId(), c.name(), normalized(c.config().image()), c.imageId()).code(201);
            e.annotations.put("cmd", c.config().cmd());
            return e;
        } else if (payload instanceof ContainerStartRequested s) {
            return known(containers, "start", s.containerId()).intent();
        } else if (payload instanceof ContainerStarted s) {
            Entry e = known(containers, "start", s.containerId()).code(204);
            e.annotations.put("pid", Long.toString(s.pid()));
            return e;
        } else if (payload instanceof ContainerStartFailed f) {
            Entry e = known(containers, "start", f.containerId()).code(500);
            e.outcome = "failure";
            e.message = f.reason();
            return e;
        } else if (payload instanceof ContainerStopRequested s) {
            Entry e = known(containers, "stop", s.containerId()).intent();
            e.annotations.put("signal", s.signal());
            e.annotations.put("timeout", Integer.toString(s.timeoutSeconds()));
            return e;
        } else if (payload instanceof ContainerKillRequested k) {
            Entry e = known(containers, "kill", k.containerId()).intent();
            e.annotations.put("signal", k.signal());
            return e;
        } else if (payload instanceof ContainerExited x) {
            Entry e = known(containers, "exit", x.containerId());
            e.annotations.put("exitCode", Integer.toString(x.exitCode()));
            return e;
        } else if (payload instanceof ContainerExecStarted x) {
            Entry e = known(containers, "exec", x.containerId()).intent();
            e.annotations.put("execID", x.execId());
            e.annotations.put("argv", x.spec().cmd());
            e.annotations.put("tty", Boolean.toString(x.spec().tty()));
            e.annotations.put("execUser", x.spec().user());
            return e;
        } else if (payload instanceof ContainerExecExited x) {
            Entry e = known(containers, "exec_exit", x.containerId());
            e.annotations.put("execID", x.execId());
            e.annotations.put("exitCode", Integer.toString(x.exitCode()));
            return e;
        } else if (payload instanceof ContainerRemoved r) {
            return known(containers, "remove", r.containerId()).code(204);
        } else if (payload instanceof ContainerAccessGranted g) {
            Entry e = known(containers, "grant", g.containerId()).code(201);
            e.annotations.put("grantee", g.grantee().user());
            return e;
        } else if (payload instanceof ContainerAccessRevoked g) {
            Entry e = known(containers, "revoke", g.containerId());
            e.annotations.put("grantee", g.grantee().user());
            return e;
        } else if (payload instanceof ImageImported i) {
            return image("import", i.imageId(), i.reference());
        } else if (payload instanceof ImageTagged t) {
            return image("tag", t.imageId(), t.reference()).code(201);
        } else if (payload instanceof VolumeCreated v) {
            return volume("create", v.volumeId(), v.name()).code(201);
        } else if (payload instanceof VolumeRemoved v) {
            return volume("remove", v.volumeId(), v.name()).code(204);
        } else if (payload instanceof AccessDenied d) {
            return denied(d, containers);
        }
        return unknown(payload);
    }

    /** @param image the image's reference, normalized */
    private static Entry container(String verb, String id, String name, String image, String imageId) {
        Entry e = new Entry("container", verb);
        e.objectId = id;
        e.objectName = name;
        e.containerId = id;
        e.containerName = name;
        e.image = image == null ? "" : image;
        e.imageId = imageId == null ? "" : imageId;
        return e;
    }

    private static Entry known(Function<String, Optional<KnownContainer>> containers, String verb, String id) {
        Optional<KnownContainer> v = containers.apply(id);
        return container(verb, id, v.map(KnownContainer::name).orElse(""), v.map(KnownContainer::image).orElse(""),
                v.map(KnownContainer::imageId).orElse(""));
    }

    private static Entry image(String verb, String id, String reference) {
        Entry e = new Entry("image", verb);
        e.objectId = id;
        e.objectName = reference;
        e.image = reference;
        e.imageId = id;
        return e;
    }

    private static Entry volume(String verb, String id, String name) {
        Entry e = new Entry("volume", verb);
        e.objectId = id;
        e.objectName = name;
        return e;
    }

    /** {@code container.stop} on {@code container/web}: the resource and name come from the object. */
    private static Entry denied(AccessDenied d, Function<String, Optional<KnownContainer>> containers) {
        int dot = d.action().indexOf('.');
        String resource = dot > 0 ? d.action().substring(0, dot) : d.action();
        Entry e = new Entry(resource, dot > 0 ? d.action().substring(dot + 1) : "");
        int slash = d.object().indexOf('/');
        e.objectName = slash >= 0 ? d.object().substring(slash + 1) : d.object();
        if (d.object().startsWith("container/")) {
            Optional<KnownContainer> v = containers.apply(e.objectName);
            e.containerName = v.map(KnownContainer::name).orElse(e.objectName);
            e.containerId = v.map(KnownContainer::id).orElse("");
            e.objectId = e.containerId;
        } else if (d.object().startsWith("image/")) {
            e.image = normalized(e.objectName);
        }
        e.outcome = "denied";
        e.code = d.statusOr403();
        e.message = d.reason();
        e.annotations.put("authorization.tally.dev/decision", "forbid");
        e.annotations.put("authorization.tally.dev/reason", d.reason());
        return e;
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

    /** Image names as they were normalized before: most records name one of a few images. */
    private static final Map<String, String> NORMALIZED = new java.util.concurrent.ConcurrentHashMap<>();

    static String normalized(String image) {
        if (image == null || image.isEmpty()) {
            return "";
        }
        String known = NORMALIZED.get(image);
        if (known != null) {
            return known;
        }
        String name;
        try {
            name = ImageReference.normalize(image);
        } catch (DomainException notAName) {
            name = image;
        }
        if (NORMALIZED.size() < 10_000) {
            NORMALIZED.put(image, name);
        }
        return name;
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
