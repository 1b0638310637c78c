package dev.tally.rest;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.access.EventVisibility;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.DomainEvent;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;

/**
 * {@code GET /events}, read from the event log itself: everything since the first event, across
 * restarts, in Docker's event shape with the caller who caused each one added as attributes. Each
 * caller reads only what the domain's {@link EventVisibility} shows them; refusals are events of type
 * {@code tally}, action {@code access-denied}.
 */
final class EventRoutes {

    private final DockerApi api;

    EventRoutes(DockerApi api) {
        this.api = api;
    }

    void mount(Router r) {
        r.get("/events").handler(this::events);
    }

    private void events(RoutingContext ctx) {
        Actor viewer = DockerApi.callerOrDeny(ctx);
        if (viewer == null) {
            return;
        }
        EventVisibility visibility = api.containers().eventsVisibleTo(viewer);
        Instant since = bound(ctx.request().getParam("since"));
        String untilParam = ctx.request().getParam("until");
        Instant until = untilParam != null && untilParam.matches("[0-9]+")
                ? bound(untilParam).plusSeconds(1).minusNanos(1) // whole seconds: the whole of that second
                : bound(untilParam);
        Map<String, List<String>> filters = Filters.parse(ctx.request().getParam("filters"));
        HttpServerResponse resp = ctx.response();
        resp.setChunked(true).putHeader("Content-Type", "application/json");
        resp.writeHead();
        AtomicBoolean closed = new AtomicBoolean();
        resp.closeHandler(x -> closed.set(true));
        Instant from = since == null ? (until == null ? Instant.now() : Instant.EPOCH) : since;
        Thread t = new Thread(() -> stream(resp, from, until, filters, closed, visibility), "tally-events");
        t.setDaemon(true);
        t.start();
    }

    private void stream(HttpServerResponse resp, Instant since, Instant until, Map<String, List<String>> filters,
                        AtomicBoolean closed, EventVisibility visibility) {
        Map<String, String[]> containers = new HashMap<>();
        try (BlockingStream<TrackedEventMessage<?>> stream = api.eventStore().openStream(null)) {
            while (!closed.get()) {
                if (!stream.hasNextAvailable(100, TimeUnit.MILLISECONDS)) {
                    if (until != null && Instant.now().isAfter(until)) {
                        break;
                    }
                    continue;
                }
                TrackedEventMessage<?> m = stream.nextAvailable();
                boolean visible = visibility.shows(m.getPayload());
                JsonObject e = docker(m.getPayload(), containers);
                Instant at = m.getTimestamp();
                if (e == null || !visible || at.isBefore(since) || !matches(e, filters)) {
                    continue;
                }
                if (until != null && at.isAfter(until)) {
                    break;
                }
                long nanos = at.getEpochSecond() * 1_000_000_000L + at.getNano();
                e.put("scope", "local").put("time", at.getEpochSecond()).put("timeNano", nanos);
                resp.write(e.encode() + "\n");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            System.err.println("tallyd: events stream ended: " + e);
        }
        if (!closed.get()) {
            resp.end();
        }
    }

    /**
     * Docker's message for an event, or null when it has none. A container's name and image are those
     * its creation gave ({@code containers}: id to name and image, filled from creations as they pass).
     */
    static JsonObject docker(Object payload, Map<String, String[]> containers) {
        if (!(payload instanceof DomainEvent event)) {
            return null;
        }
        DockerMessage m = event.dockerMessage().orElse(null);
        if (m == null) {
            return null;
        }
        boolean container = m.type().equals("container");
        JsonObject attrs = new JsonObject();
        String[] known = {"", ""};
        if (container) {
            if (m.attributes().containsKey("name")) {
                containers.put(m.id(), new String[] {m.attributes().get("name"), m.attributes().get("image")});
            }
            known = containers.getOrDefault(m.id(), known);
            attrs.put("name", known[0]).put("image", known[1]);
        }
        m.attributes().forEach(attrs::put);
        withActor(attrs, event.actor());
        JsonObject e = new JsonObject().put("Type", m.type()).put("Action", m.action())
                .put("Actor", new JsonObject().put("ID", m.id()).put("Attributes", attrs));
        if (container) {
            e.put("status", m.action()).put("id", m.id()).put("from", known[1]);
        } else if (m.type().equals("image")) {
            e.put("status", m.action()).put("id", m.id());
        }
        return e;
    }

    private static JsonObject withActor(JsonObject attrs, Actor actor) {
        return attrs.put("tally.user", actor.user()).put("tally.uid", Integer.toString(actor.uid()))
                .put("tally.source", actor.source());
    }

    private static boolean matches(JsonObject e, Map<String, List<String>> filters) {
        JsonObject actor = e.getJsonObject("Actor");
        JsonObject attrs = actor.getJsonObject("Attributes");
        for (Map.Entry<String, List<String>> f : filters.entrySet()) {
            List<String> v = f.getValue();
            boolean ok = switch (f.getKey()) {
                case "type" -> v.contains(e.getString("Type"));
                case "event" -> v.contains(e.getString("Action"));
                case "container" -> e.getString("Type").equals("container")
                        && v.stream().anyMatch(x -> actor.getString("ID").startsWith(x) || x.equals(attrs.getString("name")));
                case "image" -> v.stream().anyMatch(x -> x.equals(attrs.getString("image")) || x.equals(attrs.getString("name")));
                case "user" -> v.contains(attrs.getString("tally.user"));
                default -> throw DomainException.invalid("invalid filter '" + f.getKey() + "'");
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static Instant bound(String param) {
        if (param == null || param.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(param);
        } catch (java.time.format.DateTimeParseException notRfc3339) {
            return Rfc3339.unixSeconds(param);
        }
    }
}
