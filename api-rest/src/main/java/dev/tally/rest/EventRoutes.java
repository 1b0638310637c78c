package dev.tally.rest;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.access.EventVisibility;
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
import dev.tally.domain.container.event.ContainerStarted;
import dev.tally.domain.container.event.ContainerStopRequested;
import dev.tally.domain.image.event.ImageImported;
import dev.tally.domain.volume.event.VolumeCreated;
import dev.tally.domain.volume.event.VolumeRemoved;
import dev.tally.domain.image.event.ImageTagged;
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

    private static JsonObject docker(Object payload, Map<String, String[]> containers) {
        if (payload instanceof ContainerCreated c) {
            containers.put(c.containerId(), new String[] {c.name(), c.config().image()});
            return container(c.containerId(), "create", c.actor(), containers, null);
        } else if (payload instanceof ContainerStarted s) {
            return container(s.containerId(), "start", s.actor(), containers, null);
        } else if (payload instanceof ContainerStartFailed f) {
            return container(f.containerId(), "start-failed", f.actor(), containers, Map.of("error", f.reason()));
        } else if (payload instanceof ContainerKillRequested k) {
            return container(k.containerId(), "kill", k.actor(), containers, Map.of("signal", k.signal()));
        } else if (payload instanceof ContainerStopRequested s) {
            return container(s.containerId(), "stop", s.actor(), containers, Map.of("signal", s.signal()));
        } else if (payload instanceof ContainerExecStarted x) {
            return container(x.containerId(), "exec_start", x.actor(), containers, Map.of("execID", x.execId(),
                    "execCommand", String.join(" ", x.spec().cmd()), "tty", Boolean.toString(x.spec().tty()),
                    "execUser", x.spec().user()));
        } else if (payload instanceof ContainerExecExited x) {
            return container(x.containerId(), "exec_die", x.actor(), containers, Map.of("execID", x.execId(),
                    "exitCode", Integer.toString(x.exitCode())));
        } else if (payload instanceof ContainerExited x) {
            return container(x.containerId(), "die", x.actor(), containers,
                    Map.of("exitCode", Integer.toString(x.exitCode())));
        } else if (payload instanceof ContainerRemoved r) {
            return container(r.containerId(), "destroy", r.actor(), containers, null);
        } else if (payload instanceof ContainerAccessGranted g) {
            return container(g.containerId(), "grant", g.actor(), containers, Map.of("grantee", g.grantee().user(),
                    "granteeUid", Integer.toString(g.grantee().uid())));
        } else if (payload instanceof ContainerAccessRevoked r) {
            return container(r.containerId(), "revoke", r.actor(), containers, Map.of("grantee", r.grantee().user(),
                    "granteeUid", Integer.toString(r.grantee().uid())));
        } else if (payload instanceof AccessDenied d) {
            JsonObject attrs = withActor(new JsonObject().put("action", d.action()).put("reason", d.reason()), d.actor());
            return new JsonObject().put("Type", "tally").put("Action", "access-denied")
                    .put("Actor", new JsonObject().put("ID", d.object()).put("Attributes", attrs));
        } else if (payload instanceof VolumeCreated v) {
            return volume(v.name(), "create", v.actor());
        } else if (payload instanceof VolumeRemoved v) {
            return volume(v.name(), "destroy", v.actor());
        } else if (payload instanceof ImageImported i) {
            return image(i.imageId(), "import", i.reference(), i.actor());
        } else if (payload instanceof ImageTagged t) {
            return image(t.imageId(), "tag", t.reference(), t.actor());
        }
        return null;
    }

    private static JsonObject container(String id, String action, Actor actor, Map<String, String[]> containers,
                                        Map<String, String> extra) {
        String[] known = containers.getOrDefault(id, new String[] {"", ""});
        JsonObject attrs = new JsonObject().put("name", known[0]).put("image", known[1]);
        if (extra != null) {
            extra.forEach(attrs::put);
        }
        withActor(attrs, actor);
        return new JsonObject().put("Type", "container").put("Action", action)
                .put("Actor", new JsonObject().put("ID", id).put("Attributes", attrs))
                .put("status", action).put("id", id).put("from", known[1]);
    }

    private static JsonObject image(String id, String action, String ref, Actor actor) {
        JsonObject attrs = withActor(new JsonObject().put("name", ref), actor);
        return new JsonObject().put("Type", "image").put("Action", action)
                .put("Actor", new JsonObject().put("ID", id).put("Attributes", attrs))
                .put("status", action).put("id", id);
    }

    private static JsonObject volume(String name, String action, Actor actor) {
        JsonObject attrs = withActor(new JsonObject().put("driver", "local"), actor);
        return new JsonObject().put("Type", "volume").put("Action", action)
                .put("Actor", new JsonObject().put("ID", name).put("Attributes", attrs));
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
