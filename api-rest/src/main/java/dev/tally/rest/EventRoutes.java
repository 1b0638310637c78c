package dev.tally.rest;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.access.EventFeed;
import dev.tally.domain.access.EventVisibility;
import dev.tally.domain.container.event.ContainerCreated;
import dev.tally.domain.container.event.ContainerEvent;
import dev.tally.domain.event.DockerMessage;
import dev.tally.domain.event.DomainEvent;
import dev.tally.domain.event.StoredEvents;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /events}, read from the event log itself, across restarts, in Docker's event shape with
 * the caller who caused each one added as attributes. A stream starts where it is asked to: at the
 * first event at {@code since} (a lookup in the log, not a read from its start), else from now, or
 * from the first event when only {@code until} is given; it ends after {@code until}. Each caller
 * reads only what the domain's {@link EventVisibility} shows them; refusals are events of type
 * {@code tally}, action {@code access-denied}. Streams are polled by a small fixed pool of threads,
 * each poll reading what was stored since the last.
 */
public final class EventRoutes implements DockerApi.Routes {

    /** Events read per poll, and the pause before polling again a stream that had nothing new. */
    private static final int PAGE = 500;
    private static final long IDLE_MILLIS = 100;
    /**
     * How far before {@code since} reading starts: positions follow the order of appends, which may
     * differ from the order of the events' times by as long as one append waits for another.
     */
    private static final Duration DISORDER = Duration.ofSeconds(5);
    private static final int POLLERS = 2;

    private final StoredEvents log;
    private final AccessControl access;
    private final ScheduledExecutorService pollers;

    public EventRoutes(StoredEvents log, AccessControl access) {
        this.log = log;
        this.access = access;
        AtomicInteger n = new AtomicInteger();
        this.pollers = Executors.newScheduledThreadPool(POLLERS, r -> {
            Thread t = new Thread(r, "tally-events-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void mount(Router r) {
        r.get("/events").handler(this::events);
    }

    private void events(RoutingContext ctx) {
        Actor viewer = Call.caller(ctx);
        if (viewer == null) {
            return;
        }
        EventVisibility visibility = new EventVisibility(viewer, access.isAdmin(viewer), access::isAdmin);
        Instant since;
        Instant until;
        try {
            since = bound(ctx.request().getParam("since"));
            String untilParam = ctx.request().getParam("until");
            until = untilParam != null && untilParam.matches("[0-9]+")
                    ? bound(untilParam).plusSeconds(1).minusNanos(1) // whole seconds: the whole of that second
                    : bound(untilParam);
        } catch (DomainException e) {
            ErrorMapper.send(ctx.response(), e);
            return;
        }
        Map<String, List<String>> filters;
        UserStreams.Held held;
        try {
            filters = EventFilters.checked(Filters.parse(ctx.request().getParam("filters")));
            held = Call.streams(ctx).open(viewer, UserStreams.Kind.EVENTS);
        } catch (DomainException e) {
            ErrorMapper.send(ctx.response(), e);
            return;
        }
        HttpServerResponse resp = ctx.response();
        resp.setChunked(true).putHeader("Content-Type", "application/json");
        resp.writeHead();
        AtomicBoolean closed = new AtomicBoolean();
        resp.closeHandler(x -> {
            closed.set(true);
            held.close();
        });
        resp.endHandler(x -> held.close());
        Instant from = since == null ? (until == null ? Instant.now() : Instant.EPOCH) : since;
        pollers.execute(() -> {
            try {
                long start = since == null && until == null ? log.next() : log.firstAtOrAfter(from.minus(DISORDER));
                Map<String, Known> containers = new HashMap<>();
                EventFeed feed = new EventFeed(log, visibility, start, payload -> learn(payload, containers));
                new Stream(resp, feed, from, until, filters, closed, containers).run();
            } catch (RuntimeException e) {
                end(resp, closed, e);
            }
        });
    }

    /** One response, polled until it ends: read what is new, write what is shown, poll again. */
    private final class Stream implements Runnable {
        private final HttpServerResponse resp;
        private final EventFeed feed;
        private final Instant since;
        private final Instant until;
        private final Map<String, List<String>> filters;
        private final AtomicBoolean closed;
        private final Map<String, Known> containers;

        Stream(HttpServerResponse resp, EventFeed feed, Instant since, Instant until, Map<String, List<String>> filters,
               AtomicBoolean closed, Map<String, Known> containers) {
            this.resp = resp;
            this.feed = feed;
            this.since = since;
            this.until = until;
            this.filters = filters;
            this.closed = closed;
            this.containers = containers;
        }

        @Override
        public void run() {
            try {
                if (closed.get()) {
                    return;
                }
                long before = feed.position();
                for (StoredEvents.Stored stored : feed.next(PAGE)) {
                    Instant at = stored.at();
                    JsonObject e = docker(stored.payload(), containers);
                    if (e == null || at.isBefore(since) || !EventFilters.matches(e, filters)) {
                        continue;
                    }
                    if (until != null && at.isAfter(until)) {
                        end(resp, closed, null);
                        return;
                    }
                    long nanos = at.getEpochSecond() * 1_000_000_000L + at.getNano();
                    e.put("scope", "local").put("time", at.getEpochSecond()).put("timeNano", nanos);
                    resp.write(e.encode() + "\n");
                }
                boolean idle = feed.position() == before;
                if (idle && until != null && Instant.now().isAfter(until)) {
                    end(resp, closed, null);
                    return;
                }
                pollers.schedule(this, idle ? IDLE_MILLIS : 0, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                end(resp, closed, e);
            }
        }
    }

    private static void end(HttpServerResponse resp, AtomicBoolean closed, RuntimeException failure) {
        if (failure != null) {
            DaemonLog.line("events stream ended: " + failure);
        }
        if (!closed.get()) {
            resp.end();
        }
    }

    /** A container as its creation gave it: what Docker adds to each of its events. */
    record Known(String name, String image, Map<String, String> labels) {
        static final Known NOTHING = new Known("", "", Map.of());
    }

    /** Keeps each container's name, image and labels as its creation gives them. */
    static void learn(Object payload, Map<String, Known> containers) {
        if (payload instanceof DomainEvent event) {
            // a message naming the container without its image (a rename) keeps the image and labels known
            Known before = containers.get(payload instanceof ContainerEvent ce ? ce.containerId() : "");
            Map<String, String> labels = payload instanceof ContainerCreated created && created.config().labels() != null
                    ? created.config().labels() : before != null && !(payload instanceof ContainerCreated) ? before.labels()
                    : Map.of();
            event.dockerMessage().filter(m -> m.type().equals("container") && m.attributes().containsKey("name"))
                    .ifPresent(m -> containers.put(m.id(), new Known(m.attributes().get("name"),
                            m.attributes().containsKey("image") || before == null ? m.attributes().get("image")
                                    : before.image(), labels)));
        }
    }

    /**
     * Docker's message for an event, or null when it has none. A container's labels, name and image
     * are those its creation gave ({@code containers}, as {@link #learn} keeps them), as dockerd
     * adds them to each of a container's events.
     */
    static JsonObject docker(Object payload, Map<String, Known> containers) {
        if (!(payload instanceof DomainEvent event)) {
            return null;
        }
        DockerMessage m = event.dockerMessage().orElse(null);
        if (m == null) {
            return null;
        }
        boolean container = m.type().equals("container");
        JsonObject attrs = new JsonObject();
        Known known = Known.NOTHING;
        if (container) {
            known = containers.getOrDefault(m.id(), Known.NOTHING);
            new java.util.TreeMap<>(known.labels()).forEach(attrs::put);
            attrs.put("name", known.name()).put("image", known.image());
        }
        m.attributes().forEach(attrs::put);
        withActor(attrs, event.actor());
        JsonObject e = new JsonObject().put("Type", m.type()).put("Action", m.action())
                .put("Actor", new JsonObject().put("ID", m.id()).put("Attributes", attrs));
        if (container) {
            e.put("status", m.action()).put("id", m.id()).put("from", known.image());
        } else if (m.type().equals("image")) {
            e.put("status", m.action()).put("id", m.id());
        }
        return e;
    }

    private static JsonObject withActor(JsonObject attrs, Actor actor) {
        return attrs.put("tally.user", actor.user()).put("tally.uid", Integer.toString(actor.uid()))
                .put("tally.source", actor.source());
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
